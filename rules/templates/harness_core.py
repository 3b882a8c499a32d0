# ---------------------------------------------------------------------------
# Harness core (weco-lsp template `harness_core`). Everything below is harness
# code: the candidate in optimize.py never runs the timer or the comparison.
# ---------------------------------------------------------------------------
import ast
import collections
import collections.abc
import copy
import gc
import importlib
import importlib.util
import json
import math
import numbers
import os
import random
import statistics
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
# Bound before the code under test is loaded: replacing time.perf_counter from optimize.py changes nothing here.
_clock = time.perf_counter
_cpu_clock = time.process_time
_REAL_OUT = None
_CAPTURE_FD = None


def _out(line):
    """Writes one line of harness output to the real stdout (the candidate's output goes elsewhere)."""
    _REAL_OUT.write(line + "\n")
    _REAL_OUT.flush()


def _finish(code):
    """Ends the process at once: no atexit handler or thread of the candidate can print after the metric."""
    try:
        _REAL_OUT.flush()
    finally:
        os._exit(code)


def _silence_candidate_output():
    """Points fds 1 and 2 at a capture file so nothing printed by the code under test can pass for a metric."""
    global _REAL_OUT, _CAPTURE_FD
    sys.stdout.flush()
    sys.stderr.flush()
    _REAL_OUT = os.fdopen(os.dup(1), "w")
    _CAPTURE_FD = os.open(os.path.join(HERE, "candidate_output.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(_CAPTURE_FD, 1)
    os.dup2(_CAPTURE_FD, 2)
    # Python-level streams too (line buffered, so the log is readable after a crash); the harness writes
    # its own lines through _out only.
    sys.stdout = os.fdopen(os.dup(_CAPTURE_FD), "w", buffering=1)
    sys.stderr = os.fdopen(os.dup(_CAPTURE_FD), "w", buffering=1)


# ----------------------------------------------------------------- loading

def _load_copy(path, label):
    """Loads a copy of the target module under the original module's package, so relative imports still work."""
    for root in (CONFIG["import_root"], CONFIG["project_root"]):
        if root and root not in sys.path:
            sys.path.insert(0, root)
    package = CONFIG["package"]
    name = (package + "." if package else "") + "_weco_" + label
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = package
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _resolve(module, qualified):
    """Finds `f` or `Class.method` in a loaded module. Returns (owner class or None, function)."""
    parts = qualified.split(".")
    obj = module
    owner = None
    for part in parts:
        owner = obj if obj is not module else None
        obj = getattr(obj, part)
    if owner is not None and not isinstance(owner, type):
        owner = None
    return owner, obj


class Target:
    """The stable interface both modules are called through."""

    def __init__(self, module):
        self.module = module
        self.owner, self.function = _resolve(module, CONFIG["function"])
        raw = None
        if self.owner is not None:
            raw = self.owner.__dict__.get(CONFIG["function"].split(".")[-1])
        self.is_method = self.owner is not None and not isinstance(raw, (staticmethod, classmethod))
        self.unbound = raw.__get__(None, self.owner) if isinstance(raw, (staticmethod, classmethod)) else raw
        if not self.is_method and self.owner is not None:
            self.unbound = getattr(self.owner, CONFIG["function"].split(".")[-1])
        if self.owner is None:
            self.unbound = self.function

    @classmethod
    def swapped(cls, module, raw):
        """The candidate as its function swapped into the real module (see `_swap_candidate`)."""
        target = cls.__new__(cls)
        target.module = module
        base_owner, _ = _resolve(module, CONFIG["function"])
        target.owner = base_owner
        if base_owner is None:
            target.is_method = False
            target.unbound = target.function = raw
        else:
            target.is_method = not isinstance(raw, (staticmethod, classmethod))
            target.unbound = raw.__get__(None, base_owner) if isinstance(raw, (staticmethod, classmethod)) else raw
            target.function = target.unbound
        return target

    def prepare(self, call):
        """Turns an input (args, kwargs) into a ready call. Methods get their instance from the inputs
        (recorded calls carry `self`) or from make_instance()."""
        args, kwargs = call
        if self.is_method and not CONFIG.get("inputs_include_self"):
            args = (make_instance(self.module),) + tuple(args)
        return tuple(args), dict(kwargs)


def _materialize(value):
    """Lazy results (generators, map objects) are consumed so both sides do their real work."""
    if isinstance(value, collections.abc.Iterator):
        return list(value)
    return value


def run_call(target, call):
    """Calls the target on a fresh deep copy of the input. Returns (outcome, mutated args, kwargs) where
    outcome is ("ok", value) or ("raised", exception type name)."""
    args, kwargs = target.prepare(fresh_copy(call))
    try:
        value = _materialize(target.unbound(*args, **kwargs))
        return ("ok", value), args, kwargs
    except Exception as error:  # the type is compared, the message is not
        return ("raised", type(error).__name__), args, kwargs


def _compare(expected, actual, path="result"):
    """`difference` with the memo of equal pairs emptied (object ids are only stable while both live)."""
    _KNOWN_EQUAL.clear()
    try:
        return difference(expected, actual, path)
    finally:
        _KNOWN_EQUAL.clear()


def check_correctness(base, cand, calls):
    """Compares results, raised exception types and argument mutation on every input.
    Returns (prose of the first violation or None, the inputs on which the baseline returns normally)."""
    usable = []
    skip = 1 if (base.is_method and not CONFIG.get("inputs_include_self")) else 0
    for index, call in enumerate(calls):
        expected, e_args, e_kwargs = run_call(base, call)
        # What the baseline itself does differently from one call to the next (a time stamp, an id, a
        # lazily filled cache) is never held against the candidate: it runs twice and those parts are not
        # compared.
        again, r_args, r_kwargs = run_call(base, call)
        result_stable = expected[0] == again[0] and (expected[0] == "raised" or _compare(expected[1], again[1]) is None)
        mutation_stable = _compare(list(e_args[skip:]), list(r_args[skip:])) is None and _compare(e_kwargs, r_kwargs) is None
        try:
            actual, a_args, a_kwargs = run_call(cand, call)
        except BaseException as error:
            return f"input #{index}: the candidate aborted with {type(error).__name__}", usable
        if not result_stable:
            usable.append(call)
            continue
        if expected[0] != actual[0]:
            if expected[0] == "raised":
                return f"input #{index}: the baseline raises {expected[1]} but the candidate returned a value", usable
            return f"input #{index}: the candidate raised {actual[1]} but the baseline returns a value", usable
        if expected[0] == "raised":
            if expected[1] != actual[1]:
                return f"input #{index}: the baseline raises {expected[1]} but the candidate raised {actual[1]}", usable
            continue
        found = _compare(expected[1], actual[1])
        if found:
            return f"input #{index}: {found}", usable
        found = None
        if mutation_stable:
            found = _compare(list(e_args[skip:]), list(a_args[skip:]), "arguments after the call")
            if not found:
                found = _compare(e_kwargs, a_kwargs, "keyword arguments after the call")
        if found:
            return f"input #{index}: the candidate changes its inputs differently ({found})", usable
        usable.append(call)
    return None, usable


# ----------------------------------------------------------------- timing

def _cuda():
    """torch, when the code under test loaded it and a CUDA device is usable; else None."""
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    try:
        return torch if torch.cuda.is_available() else None
    except Exception:
        return None


def _time_batch(target, prepared):
    """Seconds for calling the target once on each prepared input (GPU time on CUDA, see below)."""
    return _time_batch_both(target, prepared)[0]


def _time_batch_both(target, prepared):
    """(seconds, process CPU seconds) for calling the target once on each prepared input.

    With torch on a CUDA device the seconds are measured with CUDA events recorded around the batch
    on the current stream, after synchronizing, so asynchronous kernel launches are not mistaken for
    finished work; otherwise they are wall-clock seconds."""
    function = target.unbound
    torch = _cuda()
    if torch is not None:
        torch.cuda.synchronize()
        begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        cpu_start = _cpu_clock()
        begin.record()
        for args, kwargs in prepared:
            result = function(*args, **kwargs)
            if isinstance(result, collections.abc.Iterator):
                list(result)
        end.record()
        torch.cuda.synchronize()
        return begin.elapsed_time(end) / 1000.0, _cpu_clock() - cpu_start
    cpu_start = _cpu_clock()
    start = _clock()
    for args, kwargs in prepared:
        result = function(*args, **kwargs)
        if isinstance(result, collections.abc.Iterator):
            list(result)
    wall = _clock() - start
    return wall, _cpu_clock() - cpu_start


def _spin_share(cpu_seconds):
    """Burns `cpu_seconds` of pure-Python CPU work and returns the share of wall time it got: 1.0 on an idle
    machine, less when other processes compete for the CPU."""
    wall_start, cpu_start = _clock(), _cpu_clock()
    while _cpu_clock() - cpu_start < cpu_seconds:
        pass
    return (_cpu_clock() - cpu_start) / max(_clock() - wall_start, 1e-12)


def _cpu_share(walls, cpus):
    return statistics.median(c / max(w, 1e-12) for w, c in zip(walls, cpus))


_ATOMIC = (int, float, complex, str, bytes, bool, type(None))


def fresh_copy(value):
    """A deep copy; containers of plain values are copied directly, which is much faster than copy.deepcopy
    for the large lists of numbers typical inputs are made of."""
    kind = type(value)
    if kind in _ATOMIC:
        return value
    if kind is list:
        if all(type(item) in _ATOMIC for item in value):
            return value[:]
        return [fresh_copy(item) for item in value]
    if kind is tuple:
        return tuple(fresh_copy(item) for item in value)
    if kind is dict:
        return {key: fresh_copy(item) for key, item in value.items()}
    if kind is set and all(type(item) in _ATOMIC for item in value):
        return set(value)
    return copy.deepcopy(value)


# Which inputs this evaluation uses: the search times candidates on one part, the final verification on
# inputs the search never saw (WECO_INPUTS=holdout), so a candidate tuned to the search's inputs (or
# caching them) does not pass for a win. Synthesized inputs get seeds the search never used.
_INPUT_SET = os.environ.get("WECO_INPUTS", "search")
_SEED_BASE = 5000 if _INPUT_SET == "holdout" else 1000


def _split_inputs(calls):
    """Every fourth input is held out for the verification, when there are at least four."""
    if len(calls) < 4 or CONFIG["inputs"] == "type_hints":
        return calls
    held_out = calls[3::4]
    return held_out if _INPUT_SET == "holdout" else [c for i, c in enumerate(calls) if i % 4 != 3]


# Which inputs the verification timed: "holdout", or "all" when the held-out ones are too small to stand for the
# workload (see `_holdout_or_all`). Written to last_eval.json so the report can say so.
_TIMED_SET = _INPUT_SET


def _baseline_costs(base, calls):
    """Seconds of one baseline call per input (the smaller of two tries when they are quick; 0 for an input
    that raises), after one warm-up call so the first input does not carry the start-up costs."""
    def once(call):
        try:
            return _time_batch(base, [base.prepare(fresh_copy(call))])
        except Exception:
            return 0.0
    once(calls[0])
    costs = [once(c) for c in calls]
    if sum(costs) < 1.0:
        costs = [min(a, once(c)) for a, c in zip(costs, calls)]
    return costs


def _holdout_or_all(base, every):
    """The verification's inputs. Held-out inputs (every fourth) guard against a candidate tuned to the
    search's inputs, but when they take under a tenth of the time of the others per call (a test with one
    realistic call among small ones), timing them alone measures a different workload from the user's: a
    rewrite that pays on large inputs and costs a few microseconds on small ones would be rejected. Then every
    recorded input is timed (the correctness check covers them all either way), and the output says so."""
    global _TIMED_SET
    held = _split_inputs(every)
    if _INPUT_SET != "holdout" or len(held) == len(every):
        return held
    costs = _baseline_costs(base, every)
    held_costs = costs[3::4]
    search_costs = [c for i, c in enumerate(costs) if i % 4 != 3]
    held_mean = sum(held_costs) / len(held_costs)
    search_mean = sum(search_costs) / len(search_costs)
    if held_mean >= 0.1 * search_mean:
        return held
    _TIMED_SET = "all"
    _out(
        "inputs: all {} recorded: the {} held out take {:.3g} s per call, under a tenth of the others' {:.3g} s, "
        "too small to stand for the workload".format(len(every), len(held), held_mean, search_mean)
    )
    return every


def _fresh_inputs(target, calls, count, round_index):
    """`count` freshly copied inputs for one batch; synthesized inputs are regenerated with a new seed
    each round so caching results across calls does not pay off."""
    if CONFIG["inputs"] == "type_hints":
        calls = make_inputs(seed=_SEED_BASE + round_index, count=max(1, min(count, 256)))
    return [target.prepare(fresh_copy(calls[i % len(calls)])) for i in range(count)]


# A timed unit is about this long: reading the clocks costs nothing next to it, and a pause of the machine
# only spoils a minority of units, which the per-side medians drop.
UNIT_SECONDS = 1e-3


def _robust_cv(values):
    """Dispersion relative to the median (1.4826 x median absolute deviation / median): like the coefficient
    of variation for well-behaved timings, but not blown up by one interrupted round."""
    middle = statistics.median(values)
    if middle <= 0:
        return 0.0
    mad = statistics.median(abs(v - middle) for v in values)
    return 1.4826 * mad / middle


def measure_pair(base, cand, calls):
    """`_measure_pair` with the cyclic garbage collector paused: a collection triggered by one side's garbage
    would be charged to whichever side runs next (timeit pauses it for the same reason). It runs between
    rounds instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _measure_pair(base, cand, calls)
    finally:
        if enabled:
            gc.enable()


def _measure_pair(base, cand, calls):
    """Interleaved timing of baseline and candidate. Each round times many small units (a few calls, or one
    slow call) of baseline and candidate on the same inputs, in random order, and compares the median unit
    of each side; the result is the median over rounds, with the robust spread of the rounds as `cv`."""
    budget = float(CONFIG.get("target_seconds", 2.0))
    caching = _added_caches(base, cand)
    clear_candidate = (lambda: None) if caching is None else caching[0]
    if caching is not None:
        # Timed on distinct inputs only, each once per unit, with the candidate's caches emptied before
        # every unit: a cache may still help within a call (memoized recursion), not across calls.
        calls = _distinct(calls)
    for target in (base, cand):
        for _ in range(3):
            _time_batch(target, _fresh_inputs(target, calls, 1, 0))
    prepare_start = _clock()
    probe_inputs = _fresh_inputs(base, calls, len(calls), 0)
    prepare_cost = (_clock() - prepare_start) / len(calls)
    probe = max(_time_batch(base, probe_inputs) / len(calls), 1e-7)
    cost = 2 * (probe + prepare_cost)  # both sides, preparation included
    rounds = 9 if cost * 20 < budget else max(3, min(9, int(budget / cost)))
    per_round = max(1, min(5000, int(budget / (rounds * cost))))
    unit = max(1, min(per_round, int(UNIT_SECONDS / probe)))
    if CONFIG["inputs"] != "type_hints":
        # a fixed pool may mix tiny and large inputs: every unit takes each input once, so units compare alike
        unit = len(calls) * max(1, unit // len(calls))
    if caching is not None:
        unit = len(calls)
    units = max(1, per_round // unit)
    shares = []  # CPU share of a spin loop, per calibration
    rounds_data = []  # per round: (base walls, base cpus, cand walls, cand cpus), per unit, per call
    started = _clock()
    for r in range(rounds):
        if r >= 3 and _clock() - started > 2.5 * budget:
            break  # a busy machine stretches wall time; three rounds still give a median and a spread
        base_inputs = _fresh_inputs(base, calls, units * unit, r)
        cand_inputs = _fresh_inputs(cand, calls, units * unit, r)
        gc.collect()
        _time_batch(base, [base.prepare(fresh_copy(calls[0]))])
        _time_batch(cand, [cand.prepare(fresh_copy(calls[0]))])
        data = ([], [], [], [])
        order = random.Random(7919 + r)  # random order: a periodic pause of the machine cannot favour one side
        for i in range(units):
            window = slice(i * unit, (i + 1) * unit)
            clear_candidate()
            if order.random() < 0.5:
                b = _time_batch_both(base, base_inputs[window])
                c = _time_batch_both(cand, cand_inputs[window])
            else:
                c = _time_batch_both(cand, cand_inputs[window])
                b = _time_batch_both(base, base_inputs[window])
            for series, value in zip(data, (b[0], b[1], c[0], c[1])):
                series.append(value / unit)
        rounds_data.append(data)
        unit_cpu = statistics.median(data[1]) * unit
        shares.extend(_spin_share(unit_cpu) for _ in range(3))
    all_units = [[v for data in rounds_data for v in data[k]] for k in range(4)]
    # Process CPU time measures single-threaded CPU-bound code without the pauses other processes cause (and
    # without the unfairness of long calls being preempted more than short ones). It is used when both sides
    # get the CPU share a pure spin loop of the same length gets, and no more (threads would exceed it).
    machine_share = statistics.median(shares)
    base_share = _cpu_share(all_units[0], all_units[1])
    cand_share = _cpu_share(all_units[2], all_units[3])
    use_cpu = (
        "torch" not in sys.modules
        and max(base_share, cand_share) <= 1.15
        and min(base_share, cand_share) >= 0.5 * machine_share
    )
    base_k, cand_k = (1, 3) if use_cpu else (0, 2)
    # per-side medians: a call slowed by the machine is an outlier on its own side and drops out
    base_times = [statistics.median(data[base_k]) for data in rounds_data]
    cand_times = [statistics.median(data[cand_k]) for data in rounds_data]
    ratios = [b / max(c, 1e-12) for b, c in zip(base_times, cand_times)]
    cache = None
    if caching is not None:
        cache = {"names": caching[2], "entries_after_one_unit": caching[1](), "distinct_inputs": len(calls)}
    return {
        "cache": cache,
        "rounds": len(ratios),
        "calls_per_round": units * unit,
        "calls_per_unit": unit,
        "clock": "process_cpu" if use_cpu else ("cuda_events" if _cuda() is not None else "wall"),
        "cpu_share": {"machine": machine_share, "baseline": base_share, "candidate": cand_share},
        "baseline_seconds_per_call": statistics.median(base_times),
        "candidate_seconds_per_call": statistics.median(cand_times),
        "baseline_wall_seconds_per_call": statistics.median(all_units[0]),
        "candidate_wall_seconds_per_call": statistics.median(all_units[2]),
        "ratio_median": statistics.median(ratios),
        "round_ratios": ratios,
        "cv": _robust_cv(ratios),
        "gpu": "torch" in sys.modules,
    }


def write_details(details):
    details = dict(details)
    details["metric"] = CONFIG["metric"]
    details["inputs"] = CONFIG["inputs"]
    details["timed_inputs"] = _TIMED_SET
    path = os.path.join(HERE, "last_eval.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(details, handle, indent=2, default=str)
    os.replace(tmp, path)


def violated(prose):
    _out("Constraint violated: " + prose)


# ------------------------------------------------------------------- main

def _candidate_path():
    path = CONFIG["candidate_path"]
    return path if os.path.isabs(path) else os.path.join(HERE, path)


def main():
    _silence_candidate_output()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))  # deep results are compared recursively
    real = _load_real_module()
    try:
        base = Target(real) if real is not None else Target(_load_copy(os.path.join(HERE, "baseline.py"), "baseline"))
    except Exception:
        _out("The baseline (baseline.py) could not be loaded:")
        _out(traceback.format_exc().rstrip())
        _finish(2)
    try:
        swapped = _swap_candidate(real, _candidate_path()) if real is not None else None
        cand = Target.swapped(real, swapped[1]) if swapped else Target(_load_copy(_candidate_path(), "candidate"))
    except Exception:
        _out("The candidate (" + os.path.basename(_candidate_path()) + ") could not be loaded:")
        _out(traceback.format_exc().rstrip())
        _finish(1)
    try:
        every = make_inputs() if CONFIG["needs_inputs"] else [((), {})]
        calls = _holdout_or_all(base, every) if CONFIG["needs_inputs"] else every
        if len(calls) != len(every):
            _out("inputs: the {} set, {} of {}".format(_INPUT_SET, len(calls), len(every)))
    except Exception:
        _out("make_inputs() in evaluate.py failed:")
        _out(traceback.format_exc().rstrip())
        _finish(2)
    if not calls:
        _out("make_inputs() in evaluate.py returned no inputs; fill it in with representative calls.")
        _finish(2)
    try:
        code = evaluate_metric(base, cand, calls)
    except Exception:
        _out("The evaluation failed:")
        _out(traceback.format_exc().rstrip())
        code = 1
    _finish(code)
