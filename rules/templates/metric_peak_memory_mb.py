# ---------------------------------------------------------------------------
# Metric (weco-lsp template `metric_peak_memory_mb`): the largest peak of Python
# allocations (tracemalloc) during one call of the candidate, minimize.
# ---------------------------------------------------------------------------
import tracemalloc


def _peak_mb(target, calls):
    peak = 0
    for call in calls:
        args, kwargs = target.prepare(fresh_copy(call))
        tracemalloc.start()
        tracemalloc.reset_peak()
        try:
            _materialize(target.unbound(*args, **kwargs))
            peak = max(peak, tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    return peak / (1024 * 1024)


def evaluate_metric(base, cand, calls):
    problem, usable = check_correctness(base, cand, calls)
    if problem:
        violated(problem)
        return 3
    if not usable:
        _out("Every input makes the baseline raise an exception; make_inputs() needs inputs it accepts.")
        return 2
    base_mb = _peak_mb(base, usable)
    cand_mb = _peak_mb(cand, usable)
    write_details({"baseline_peak_mb": base_mb, "candidate_peak_mb": cand_mb, "peak_memory_mb": cand_mb})
    _out("baseline peak {:.4f} MB".format(base_mb))
    _out("peak_memory_mb: {:.6g}".format(cand_mb))
    return 0
