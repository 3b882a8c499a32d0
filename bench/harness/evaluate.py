"""Minimal honest harness for the local engine benchmark: equality against baseline.py, then interleaved timings."""
import sys
import time

import baseline
import cases
import optimize

reference = getattr(baseline, cases.FUNCTION)
candidate = getattr(optimize, cases.FUNCTION)
inputs = cases.inputs()
for index, args in enumerate(inputs):
    if reference(*args) != candidate(*args):
        print(f"Constraint violated: result differs for input #{index}")
        sys.exit(1)


def run_all(function):
    started = time.perf_counter()
    for args in inputs:
        function(*args)
    return time.perf_counter() - started


base_times, new_times = [], []
for _ in range(3):
    base_times.append(run_all(reference))
    new_times.append(run_all(candidate))
print(f"baseline: {min(base_times):.6f}s optimized: {min(new_times):.6f}s")
print(f"speedup: {min(base_times) / max(min(new_times), 1e-9):.3f}")
