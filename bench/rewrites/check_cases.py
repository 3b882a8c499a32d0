#!/usr/bin/env python3
"""Checks the cases themselves (no weco-lsp): each project's pytest passes, and the slow function
takes a measurable time on fresh inputs (the brief: roughly 20-300 ms per call).

    python3 bench/rewrites/check_cases.py [--only ID]... [--no-tests]

Prints one line per case: test result, median ms per call over 3 fresh seeds, and a flag when the
time is outside 20-300 ms. Runs one case at a time, niced.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import setup  # noqa: E402

TIMER = r"""
import importlib, importlib.util, json, statistics, sys, time, copy
sys.path.insert(0, ".")
mod_file, qual, fresh_file = sys.argv[1:4]
name = mod_file[:-3].replace("/", ".")
mod = importlib.import_module(name)
fn = mod
for part in qual.split("."):
    fn = getattr(fn, part)
spec = importlib.util.spec_from_file_location("_fresh", fresh_file)
fresh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fresh)
times = []
for seed in (1, 2, 3):
    for args, kwargs in fresh.fresh_inputs(seed):
        args, kwargs = copy.deepcopy((args, kwargs))
        t0 = time.perf_counter()
        fn(*args, **kwargs)
        times.append(time.perf_counter() - t0)
print(json.dumps({"ms": statistics.median(times) * 1000, "calls_per_seed": len(times) // 3}))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append")
    ap.add_argument("--no-tests", action="store_true")
    a = ap.parse_args()
    cases = [c for c in setup.load_manifest()["case"] if not a.only or c["id"] in a.only]
    bad = 0
    for c in cases:
        root = setup.setup_case(c)
        py = os.path.join(root, ".venv", "bin", "python")
        test = "skipped"
        if not a.no_tests:
            p = subprocess.run(["nice", "-n", "10", py, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root,
                               capture_output=True, text=True)
            test = "pass" if p.returncode == 0 else "FAIL: " + (p.stdout.strip().splitlines() or ["?"])[-1]
        fresh = os.path.join(setup.CASES, c["id"], "fresh.py")
        p = subprocess.run(["nice", "-n", "10", py, "-c", TIMER, c["module"], c["function"], fresh], cwd=root,
                           capture_output=True, text=True)
        if p.returncode != 0:
            timing, flag = "timing FAILED: " + (p.stderr.strip().splitlines() or ["?"])[-1], "!!"
        else:
            ms = json.loads(p.stdout.strip().splitlines()[-1])["ms"]
            timing, flag = f"{ms:8.1f} ms/call", ("" if 20 <= ms <= 300 else "!! outside 20-300 ms")
        if flag or test not in ("pass", "skipped"):
            bad += 1
        print(f"{c['id']:32} test {test:8} {timing} {flag}", flush=True)
    print(f"{len(cases) - bad}/{len(cases)} cases fine")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
