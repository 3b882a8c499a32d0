# ---------------------------------------------------------------------------
# Metric (weco-lsp template `metric_latency_ms`): median milliseconds per call of
# the candidate, minimize. Timed interleaved with the baseline for reference.
# ---------------------------------------------------------------------------

def evaluate_metric(base, cand, calls):
    problem, usable = check_correctness(base, cand, calls)
    if problem:
        violated(problem)
        return 3
    if not usable:
        _out("Every input makes the baseline raise an exception; make_inputs() needs inputs it accepts.")
        return 2
    details = measure_pair(base, cand, usable)
    latency = details["candidate_seconds_per_call"] * 1000.0
    details["latency_ms"] = latency
    write_details(details)
    _out("baseline {:.6g} ms/call, cv {:.2%}".format(details["baseline_seconds_per_call"] * 1000.0, details["cv"]))
    _out("latency_ms: {:.6g}".format(latency))
    return 0
