"""How precise is weco-lsp's speedup measurement?

Builds task folders with the real harness templates (rules/templates/) where the baseline does some work twice
and the candidate does it once, so the true speedup is 2.0. Runs each evaluation several times and reports the
measured speedups, their error against 2.0, the harness's own noise estimate (cv) and the wall time of one
evaluation. Then, when pyperf is importable, times the same two functions with pyperf and reports how long it
took to reach the same precision.

    python3 bench/measurement_quality.py [--repeats 5] [--python /path/to/python]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATES = os.path.join(ROOT, "rules", "templates")

MODULE = '''
def work(xs):
    total = 0
    for x in xs:
        total += (x * x) % 7
    return total


def target(xs):
    work(xs)
    return work(xs)
'''

# Sizes where the fixed cost of a call is negligible next to the work, so the true ratio really is 2.0.
CASES = [("fast (~20 us)", 300), ("medium (~300 us)", 5000), ("slow (~5 ms)", 80000)]


def read(name):
    with open(os.path.join(TEMPLATES, name)) as handle:
        return handle.read()


def build_task(folder, size, python):
    """Same assembly as server/src/task/harness.rs: config, inputs, core, metric."""
    os.makedirs(folder)
    with open(os.path.join(folder, "baseline.py"), "w") as handle:
        handle.write(MODULE)
    with open(os.path.join(folder, "optimize.py"), "w") as handle:
        handle.write(MODULE.replace("    work(xs)\n    return work(xs)", "    return work(xs)"))
    config = {
        "function": "target", "module": "bench_target", "package": "", "import_root": folder,
        "project_root": folder, "candidate_path": "optimize.py", "metric": "speedup", "metric_kind": "speedup",
        "inputs": "manual", "inputs_include_self": False, "needs_inputs": True, "scorer": None, "target_seconds": 2.0,
    }
    inputs = "def make_inputs(seed=0, count=None):\n    return [((list(range(%d)),), {})]\n" % size
    text = "import json\nCONFIG = json.loads(r'''%s''')\n\n%s\n\n%s\n\n%s\n\nif __name__ == '__main__':\n    main()\n" % (
        json.dumps(config), inputs, read("harness_core.py"), read("metric_speedup.py"))
    with open(os.path.join(folder, "evaluate.py"), "w") as handle:
        handle.write(text)
    with open(os.path.join(folder, "evaluate.sh"), "w") as handle:
        handle.write(read("evaluate.sh").replace("__INTERPRETER__", python))


def run_harness(folder):
    start = time.perf_counter()
    out = subprocess.run(["bash", "evaluate.sh"], cwd=folder, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    with open(os.path.join(folder, "last_eval.json")) as handle:
        details = json.load(handle)
    return details["ratio_median"], details["cv"], wall, out.stdout.strip().splitlines()[-1]


def run_pyperf(python, size, folder):
    """pyperf timeit of both functions (its default: 20 processes x 3 values); ratio of means and wall time."""
    results = {}
    start = time.perf_counter()
    for label, statement in (("baseline", "target(xs)"), ("candidate", "work(xs)")):
        out_file = os.path.join(folder, label + ".json")
        subprocess.run(
            [python, "-m", "pyperf", "timeit", "--quiet", "-o", out_file,
             "-s", MODULE.replace("\n", "\n") + "\nxs = list(range(%d))" % size, statement],
            check=True, capture_output=True, text=True)
        code = ("import pyperf,sys; b=pyperf.Benchmark.load(sys.argv[1]); "
                "print(b.mean(), b.stdev())")
        mean, stdev = map(float, subprocess.run([python, "-c", code, out_file], capture_output=True, text=True,
                                                check=True).stdout.split())
        results[label] = (mean, stdev)
    wall = time.perf_counter() - start
    (bm, bs), (cm, cs) = results["baseline"], results["candidate"]
    ratio = bm / cm
    rel = ratio * ((bs / bm) ** 2 + (cs / cm) ** 2) ** 0.5 / ratio
    return ratio, rel, wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    has_pyperf = subprocess.run([args.python, "-c", "import pyperf"], capture_output=True).returncode == 0
    print("true speedup 2.0 (baseline does the work twice); %d evaluations per case" % args.repeats)
    with tempfile.TemporaryDirectory() as scratch:
        for number, (label, size) in enumerate(CASES):
            folder = os.path.join(scratch, "case%d" % number)
            build_task(folder, size, args.python)
            runs = [run_harness(folder) for _ in range(args.repeats)]
            ratios = [r[0] for r in runs]
            worst = max(abs(r - 2.0) / 2.0 for r in ratios)
            spread = statistics.pstdev(ratios) / statistics.fmean(ratios)
            print("%-18s harness: speedups %s | worst error %.2f%% | spread across runs %.2f%% | "
                  "cv (median) %.2f%% | %.2f s per evaluation"
                  % (label, " ".join("%.3f" % r for r in ratios), worst * 100, spread * 100,
                     statistics.median(r[1] for r in runs) * 100, statistics.fmean(r[2] for r in runs)))
            if has_pyperf:
                ratio, rel, wall = run_pyperf(args.python, size, folder)
                print("%-18s pyperf:  speedup %.3f | error %.2f%% | relative std %.2f%% | %.1f s for both"
                      % ("", ratio, abs(ratio - 2.0) / 2.0 * 100, rel * 100, wall))
    if not has_pyperf:
        print("pyperf is not installed for %s; install it (pip install pyperf) to compare." % args.python)


if __name__ == "__main__":
    main()
