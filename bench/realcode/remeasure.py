#!/usr/bin/env python3
"""Re-measures a proposed version of a function against the original on fresh, distinct inputs.

Run by run.py in a fresh process with the project's own interpreter, from the project root:

    .venv/bin/python remeasure.py --root R --file pkg/mod.py --function Class.method \
        --proposed /path/to/proposed_mod.py --fresh fresh/<id>.py [--rounds 7] [--seed 1000]

The original is the module as it is in the project (imported normally); the proposed text is
loaded as a sibling module of the same package (so relative imports resolve). Each round draws
new inputs from fresh_inputs(seed + round): no input repeats, so a cache kept across calls cannot
help. Both versions get deep copies of the same inputs, interleaved (the order alternates per
round); iterators that come back are consumed inside the timed call. Outputs (or what the fresh
module's observe(result, args, kwargs) returns) must be equal. Prints one JSON object.
"""
import argparse
import copy
import importlib
import importlib.util
import json
import math
import os
import statistics
import sys
import time
import traceback


def resolve(module, qualname):
    obj = module
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def materialize(value):
    if hasattr(value, "__next__") and hasattr(value, "__iter__"):
        return list(value)
    return value


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:
        return repr(a) == repr(b)


def call(fn, args, kwargs, observe):
    args, kwargs = copy.deepcopy((args, kwargs))
    t0 = time.perf_counter()
    result = materialize(fn(*args, **kwargs))
    dt = time.perf_counter() - t0
    seen = observe(result, args, kwargs) if observe else result
    return dt, seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--function", required=True)
    ap.add_argument("--proposed", required=True)
    ap.add_argument("--fresh", required=True)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seed", type=int, default=1000)
    a = ap.parse_args()
    out = {"ok": False}
    try:
        sys.path.insert(0, os.path.abspath(a.root))
        modname = a.file[:-3].replace("/", ".")
        if modname.endswith(".__init__"):
            modname = modname[: -len(".__init__")]
        original = importlib.import_module(modname)
        package, _, last = modname.rpartition(".")
        if modname == original.__name__ and original.__spec__ and original.__spec__.submodule_search_locations:
            package, last = modname, "__init__"
        pname = (package + "." if package else "") + "_weco_proposed_" + last
        spec = importlib.util.spec_from_file_location(pname, a.proposed)
        proposed = importlib.util.module_from_spec(spec)
        proposed.__package__ = package
        sys.modules[pname] = proposed
        spec.loader.exec_module(proposed)
        f_orig, f_prop = resolve(original, a.function), resolve(proposed, a.function)
        fspec = importlib.util.spec_from_file_location("_corpus_fresh", a.fresh)
        fresh = importlib.util.module_from_spec(fspec)
        fspec.loader.exec_module(fresh)
        observe = getattr(fresh, "observe", None)
        # Warm-up on inputs of their own (seed - 1), not counted.
        for args, kwargs in fresh.fresh_inputs(a.seed - 1)[:1]:
            call(f_orig, args, kwargs, observe)
            call(f_prop, args, kwargs, observe)
        ratios, t_orig, t_prop, calls, mismatch = [], 0.0, 0.0, 0, None
        for r in range(a.rounds):
            inputs = fresh.fresh_inputs(a.seed + r)
            ta = tb = 0.0
            for i, (args, kwargs) in enumerate(inputs):
                if (r + i) % 2 == 0:
                    da, ra = call(f_orig, args, kwargs, observe)
                    db, rb = call(f_prop, args, kwargs, observe)
                else:
                    db, rb = call(f_prop, args, kwargs, observe)
                    da, ra = call(f_orig, args, kwargs, observe)
                ta, tb, calls = ta + da, tb + db, calls + 1
                if mismatch is None and not same(ra, rb):
                    mismatch = f"round {r} call {i}: original {repr(ra)[:120]} vs proposed {repr(rb)[:120]}"
            ratios.append(ta / tb if tb > 0 else float("inf"))
            t_orig, t_prop = t_orig + ta, t_prop + tb
        out.update(ok=True, speedup=statistics.median(ratios), ratios=[round(x, 4) for x in ratios],
                   original_s_per_call=t_orig / calls, proposed_s_per_call=t_prop / calls, calls=calls,
                   equal=mismatch is None, mismatch=mismatch)
    except BaseException as e:  # noqa: BLE001 - everything is reported, nothing raised
        out["error"] = f"{type(e).__name__}: {e}"
        out["traceback"] = traceback.format_exc()[-2000:]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
