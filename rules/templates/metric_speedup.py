# ---------------------------------------------------------------------------
# Metric (weco-lsp template `metric_speedup`): speedup of the candidate over the
# baseline, maximize. Reported only when it clears the measured noise.
# ---------------------------------------------------------------------------

MIN_GAIN = 0.02  # identical code measures within a percent or so of 1.0; smaller gains are not claimed


def evaluate_metric(base, cand, calls):
    problem, usable = check_correctness(base, cand, calls)
    if problem:
        violated(problem)
        _out("speedup: 0")
        return 0
    if not usable:
        _out("Every input makes the baseline raise an exception; make_inputs() needs inputs it accepts.")
        return 2
    details = measure_pair(base, cand, usable)
    ratio = details["ratio_median"]
    noise = max(2 * details["cv"], MIN_GAIN)
    reported = ratio if ratio > 1 + noise else 1.0
    details["speedup"] = reported
    details["noise_threshold"] = 1 + noise
    write_details(details)
    _out(
        "baseline {:.6g} s/call, candidate {:.6g} s/call ({} time), ratio {:.4f}, cv {:.2%}, {} rounds x {} calls"
        .format(details["baseline_seconds_per_call"], details["candidate_seconds_per_call"], details["clock"], ratio,
                details["cv"], details["rounds"], details["calls_per_round"]))
    if details.get("cache"):
        cache = details["cache"]
        _out("The candidate keeps results across calls ({}): timed on {} distinct inputs with its caches emptied "
             "before every batch; it held {} entries after one batch.".format(", ".join(cache["names"]), cache["distinct_inputs"],
                                                                             cache["entries_after_one_unit"]))
    if details["clock"] == "wall" and details["cpu_share"]["machine"] < 0.8:
        _out("The machine is busy (this evaluation got {:.0%} of a CPU); wall-clock timings are unreliable."
             .format(details["cpu_share"]["machine"]))
    _out("speedup: {:.4f}".format(reported))
    return 0
