# ---------------------------------------------------------------------------
# Metric (weco-lsp template `metric_custom`): a score computed by a function the
# user named. The scorer is always taken from baseline.py, so the candidate
# cannot change how it is judged. It receives the candidate's function.
# ---------------------------------------------------------------------------

def evaluate_metric(base, cand, calls):
    _, scorer = _resolve(base.module, CONFIG["scorer"])
    score = float(scorer(cand.function))
    write_details({CONFIG["metric"]: score})
    _out("{}: {:.6g}".format(CONFIG["metric"], score))
    return 0
