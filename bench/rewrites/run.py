#!/usr/bin/env python3
"""Runs `weco-lsp optimize --backend local` on every hand-written case and tabulates it per rewrite.

    python3 bench/rewrites/run.py [--only ID]... [--steps N] [--timeout S] [--rounds N] [--no-write]

For each case of manifest.toml: work/<id>/ is (re)built by setup.py when missing or stale, `.weco/`
is removed, and from the project root

    nice -n 10 $WECO_LSP_BIN optimize <module>::<function> --backend local --steps N --json

runs with a timeout (stdout, stderr and exit code kept in work/<id>/.case-run.log). The binary is
$WECO_LSP_BIN, else the repo's target/release/weco-lsp, else target/debug/weco-lsp.

What the engine tried comes from `.weco/<task>/.runs/<run>/nodes.json` (each candidate's plan starts
with `[rewrite-id]`; a candidate built on another inherits its parent's rewrites). A claimed win
(the `finished` event with `improved: true`) is re-measured by ../realcode/remeasure.py in a fresh
process with the project's interpreter, on fresh_inputs() from cases/<id>/fresh.py (original vs the
winner's module text, outputs compared for equality, interleaved timing), and the project's own
tests are run with the winner in place of the module, in a temporary copy.

Writes results.md and results.json next to this script (unless --no-write) and prints the markdown.
Python 3.11, stdlib only.
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REMEASURE = os.path.join(REPO, "bench", "realcode", "remeasure.py")
sys.path.insert(0, HERE)
import setup  # noqa: E402

WIN = 1.2
REWRITE_IDS = [
    "python-dedup-set", "python-membership-set", "python-constant-frozenset", "python-sort-once", "python-insort",
    "python-top-k-heap", "python-hash-join", "python-hoist-invariant", "python-count-index", "python-string-join",
    "python-pop-front-deque", "python-sorted-min-max", "python-hoist-regex", "python-append-comprehension",
    "python-memoize-recursion",
]
TAG = re.compile(r"\[([A-Za-z0-9_.-]+)\]")


def default_bin():
    for kind in ("release", "debug"):
        path = os.path.join(REPO, "target", kind, "weco-lsp")
        if os.path.exists(path):
            return path
    return "weco-lsp"


def wait_for_binary(path, seconds=120):
    """The other engineer may be relinking the binary: wait for it to reappear."""
    deadline = time.monotonic() + seconds
    while not (os.path.exists(path) or shutil.which(path)) and time.monotonic() < deadline:
        time.sleep(5)


def run_cli(cmd, cwd, timeout):
    """(exit code or None on timeout, stdout, stderr). The CLI runs in its own session; on timeout
    its process group gets SIGTERM, then SIGKILL (weco-lsp's reaper ends the evaluations it started)."""
    p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        return p.returncode, out, err
    except subprocess.TimeoutExpired:
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                break
            try:
                out, err = p.communicate(timeout=grace)
                return None, out, err
            except subprocess.TimeoutExpired:
                continue
        out, err = p.communicate()
        return None, out, err


def parse_events(stdout):
    events = []
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                events.append(json.loads(line))
            except ValueError:
                pass
    return events


def tags(plan):
    """The rewrite ids a plan names: the leading `[id]` tags (a combined plan may name several)."""
    return TAG.findall(plan or "")


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def engine_record(task_dir):
    """nodes, run.json and the run folder of the newest run under <task>/.runs/."""
    if not task_dir:
        return None, None, None
    runs = sorted(glob.glob(os.path.join(task_dir, ".runs", "*", "nodes.json")), key=os.path.getmtime)
    if not runs:
        return None, None, None
    run_dir = os.path.dirname(runs[-1])
    return read_json(runs[-1]) or [], read_json(os.path.join(run_dir, "run.json")) or {}, run_dir


def lineage(nodes, step):
    """Rewrite ids applied in a node and all its ancestors (a child builds on its parent's code)."""
    by_id = {n["id"]: n for n in nodes}
    found, seen = [], set()
    while step is not None and step in by_id and step not in seen:
        seen.add(step)
        for t in tags(by_id[step].get("plan")):
            if t not in found:
                found.insert(0, t)
        step = by_id[step].get("parent")
    return found


def winner_text(run_dir, run, source_file):
    step = run.get("best_step")
    candidates = []
    if step is not None:
        candidates.append(os.path.join(run_dir, "steps", str(step), "files", source_file))
    candidates.append(os.path.join(run_dir, "best", "files", source_file))
    for path in candidates:
        if os.path.exists(path):
            with open(path) as f:
                return f.read(), os.path.relpath(path, run_dir)
    return None, None


def remeasure(root, case, text, rounds):
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(text)
        proposed = f.name
    try:
        p = subprocess.run(["nice", "-n", "10", os.path.join(root, ".venv", "bin", "python"), REMEASURE,
                            "--root", root, "--file", case["module"], "--function", case["function"], "--proposed", proposed,
                            "--fresh", os.path.join(setup.CASES, case["id"], "fresh.py"), "--rounds", str(rounds)],
                           cwd=root, capture_output=True, text=True, timeout=900)
        lines = p.stdout.strip().splitlines()
        return json.loads(lines[-1]) if lines else {"ok": False, "error": p.stderr[-500:]}
    except (subprocess.TimeoutExpired, ValueError) as e:
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}
    finally:
        os.unlink(proposed)


def tests_with_winner(root, case, text):
    """Runs the project's pytest in a temporary copy whose module is the winner's text."""
    tmp = tempfile.mkdtemp(prefix=f"rewrites-{case['id']}-")
    try:
        copy = os.path.join(tmp, case["id"])
        shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(".weco", ".git", "__pycache__", ".pytest_cache", ".venv"))
        os.symlink(os.path.realpath(os.path.join(root, ".venv")), os.path.join(copy, ".venv"))
        with open(os.path.join(copy, case["module"]), "w") as f:
            f.write(text)
        p = subprocess.run(["nice", "-n", "10", os.path.join(copy, ".venv", "bin", "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                           cwd=copy, capture_output=True, text=True, timeout=300)
        last = (p.stdout.strip().splitlines() or p.stderr.strip().splitlines() or ["(no output)"])[-1]
        return p.returncode == 0, last
    except subprocess.TimeoutExpired:
        return False, "pytest timed out"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def last_message(events, prefix):
    for e in reversed(events):
        if e.get("event") == "message" and e.get("text", "").startswith(prefix):
            return e["text"]
    return None


def run_case(case, bin_path, steps, timeout, rounds):
    cid = case["id"]
    expected = case.get("expect") or ["none"]
    rec = {"id": cid, "target": f"{case['module']}::{case['function']}", "shape": case.get("shape", ""), "expected": expected}
    root = setup.setup_case(case)
    shutil.rmtree(os.path.join(root, ".weco"), ignore_errors=True)
    wait_for_binary(bin_path)
    cmd = ["nice", "-n", "10", bin_path, "optimize", rec["target"], "--backend", "local", "--steps", str(steps), "--json"]
    t0 = time.monotonic()
    code, out, err = run_cli(cmd, root, timeout)
    rec["seconds"] = round(time.monotonic() - t0, 1)
    rec["exit_code"] = code
    with open(os.path.join(root, ".case-run.log"), "w") as f:
        f.write(f"$ {' '.join(cmd)}\n# exit {code}{' (timeout)' if code is None else ''}\n--- stdout\n{out}\n--- stderr\n{err}\n")
    events = parse_events(out)
    task = next((e for e in events if e.get("event") == "task"), {})
    baseline = next((e for e in events if e.get("event") == "baseline"), None)
    finished = next((e for e in events if e.get("event") == "finished"), None)
    error = next((e for e in events if e.get("event") == "error"), None)
    task_dir = task.get("folder")
    rec["inputs"] = task.get("inputs")
    if baseline:
        rec["baseline_ms"] = round(baseline["secondsPerCall"] * 1000, 1) if baseline.get("secondsPerCall") else None
        rec["baseline_cv"] = round(baseline["cv"] * 100, 1) if baseline.get("cv") is not None else None

    # Outcome and reason.
    if code is None:
        rec["outcome"], rec["reason"] = "timeout", f"the run passed {timeout} s"
    elif finished and finished.get("improved"):
        rec["outcome"], rec["reason"] = "claimed win", finished.get("win")
    elif finished:
        why = last_message(events, "no verified improvement")
        rec["outcome"] = "no improvement"
        rec["reason"] = why[len("no verified improvement ("):-len("). Your file is unchanged.")] if why and why.endswith("unchanged.") else why
    else:
        msg = (error or {}).get("message") or (err.strip().splitlines() or out.strip().splitlines() or ["(no output)"])[-1]
        rec["outcome"], rec["reason"] = ("failed" if baseline else "failed to start"), msg
    stop = last_message(events, "The proposer has nothing new to try") or last_message(events, "the last ")
    if stop:
        rec["stopped"] = stop

    # What the engine tried.
    nodes, run, run_dir = engine_record(task_dir)
    cands = []
    for n in nodes or []:
        if n.get("id") == 0 and not n.get("plan"):
            continue
        cands.append({"step": n.get("id"), "parent": n.get("parent"), "rewrites": tags(n.get("plan")), "plan": n.get("plan"),
                      "status": n.get("status"), "metric": n.get("metric"), "error": (n.get("error") or "")[:300] or None})
    rec["candidates"] = cands
    rec["tried"] = sorted({t for c in cands for t in c["rewrites"]})
    rec["no_candidate"] = not cands and rec["outcome"] in ("claimed win", "no improvement")
    rec["claimed"] = None
    m = re.search(r"([0-9.]+)x", rec["reason"] or "") if rec["outcome"] == "claimed win" else None
    if m:
        rec["claimed"] = float(m.group(1))

    # The winner: re-measured on fresh inputs, tests run with it.
    if rec["outcome"] == "claimed win" and run is not None:
        rec["winner_step"] = run.get("best_step")
        rec["winner_rewrites"] = lineage(nodes, run.get("best_step"))
        source_file = (read_json(os.path.join(task_dir, "task.json")) or {}).get("source_file") or run.get("source_file") or "optimize.py"
        text, origin = winner_text(run_dir, run, source_file)
        rec["winner_source"] = origin
        if text is None:
            rec["remeasure"] = {"ok": False, "error": "no winner text under .runs"}
        else:
            rec["remeasure"] = remeasure(root, case, text, rounds)
            rec["tests_pass"], rec["tests_line"] = tests_with_winner(root, case, text)
        rm = rec["remeasure"]
        if rm.get("ok"):
            rec["remeasured"] = round(rm["speedup"], 2)
            rec["equal"] = rm["equal"]
    elif rec["outcome"] == "claimed win":
        rec["remeasure"] = {"ok": False, "error": "no .runs record found"}
    rec["verdict"] = verdict(rec)
    return rec


def verified(rec):
    return (rec.get("claimed") or 0) >= WIN and (rec.get("remeasured") or 0) >= WIN and rec.get("equal") is True


def verdict(rec):
    negative = rec["expected"] == ["none"]
    if rec["outcome"] == "claimed win":
        if rec.get("equal") is False:
            return "WRONG RESULT"
        if verified(rec):
            return "unexpected win (confirmed)" if negative else "verified win"
        if rec.get("remeasured") is None:
            return "claimed, not re-measured"
        return "FALSE CLAIM" if negative else "claimed, not confirmed"
    if rec["outcome"] in ("failed", "failed to start", "timeout"):
        return rec["outcome"]
    if negative:
        return "ok (no claim)"
    return "no candidate" if rec["no_candidate"] else "no win"


def cell(v):
    return "" if v is None else str(v).replace("|", "\\|").replace("\n", " ")


def tried_cell(rec):
    parts = []
    for c in rec.get("candidates") or []:
        mark = f"{c['metric']:.2f}x" if c.get("metric") is not None else (c.get("status") or "?")
        parts.append(f"{c['step']}:{'+'.join(c['rewrites']) or '(no tag)'} {mark}")
    return "; ".join(parts) or "none"


def case_table(records):
    head = ("| id | shape | expected | outcome | candidates (step:rewrite metric) | winner | claimed | re-measured | equal | tests | verdict |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n")
    rows = []
    for r in records:
        rm = r.get("remeasure") or {}
        remeasured = f"{r['remeasured']}x" if r.get("remeasured") is not None else (f"error: {rm.get('error', '')[:80]}" if rm and not rm.get("ok") else "")
        equal = "" if r.get("equal") is None else ("yes" if r["equal"] else "**NO**")
        tests = "" if r.get("tests_pass") is None else ("pass" if r["tests_pass"] else f"**FAIL** ({r.get('tests_line')})")
        outcome = r["outcome"] if r["outcome"] == "claimed win" else f"{r['outcome']}: {(r.get('reason') or '')[:140]}"
        rows.append("| " + " | ".join(cell(x) for x in [
            r["id"], r["shape"], ", ".join(r["expected"]), outcome, tried_cell(r), "+".join(r.get("winner_rewrites") or []),
            f"{r['claimed']}x" if r.get("claimed") else "", remeasured, equal, tests, r["verdict"]]) + " |")
    return head + "\n".join(rows) + "\n"


def rewrite_stats(records):
    ids = list(REWRITE_IDS)
    for r in records:
        for t in r.get("tried", []) + r.get("winner_rewrites", []) + [e for e in r["expected"] if e != "none"]:
            if t not in ids:
                ids.append(t)
    stats = []
    for rid in ids:
        expected_in = [r for r in records if rid in r["expected"]]
        sites = [r for r in records if rid in r.get("tried", [])]
        applied = [r for r in records if r["outcome"] == "claimed win" and rid in (r.get("winner_rewrites") or [])]
        wins = [r for r in applied if verified(r)]
        wrong = [r for r in applied if r.get("equal") is False]
        stats.append({
            "rewrite": rid, "expected_in": len(expected_in), "sites_found": len(sites), "applied": len(applied),
            "verified_wins": len(wins), "wrong": len(wrong),
            "median_win": round(statistics.median(r["remeasured"] for r in wins), 2) if wins else None,
            "expected_cases_won": sum(1 for r in expected_in if verified(r) and rid in (r.get("winner_rewrites") or [])),
            "cases_with_site": [r["id"] for r in sites],
        })
    return stats


def rewrite_table(stats):
    head = ("| rewrite | expected in | sites found | applied (in winner) | verified wins | wrong | median speedup of wins | expected cases won by it |\n"
            "|---|---|---|---|---|---|---|---|\n")
    rows = [f"| `{s['rewrite']}` | {s['expected_in']} | {s['sites_found']} | {s['applied']} | {s['verified_wins']} | {s['wrong']} | "
            f"{'' if s['median_win'] is None else str(s['median_win']) + 'x'} | {s['expected_cases_won']}/{s['expected_in']} |" for s in stats]
    return head + "\n".join(rows) + "\n"


def summary(records):
    positive = [r for r in records if r["expected"] != ["none"]]
    negative = [r for r in records if r["expected"] == ["none"]]
    won = [r for r in positive if verified(r)]
    wrong = [r for r in records if r["outcome"] == "claimed win" and r.get("equal") is False]
    nothing = [r for r in records if r["no_candidate"]]
    false_claims = [r for r in negative if r["verdict"] == "FALSE CLAIM"]
    unconfirmed = [r for r in positive if r["verdict"] == "claimed, not confirmed"]
    failed = [r for r in records if r["outcome"] in ("failed", "failed to start", "timeout")]
    tests_failed = [r for r in records if r.get("tests_pass") is False]

    def pct(a, b):
        return f"{len(a)}/{len(b)} ({100 * len(a) / len(b):.0f}%)" if b else "0/0"
    lines = [
        f"cases with an expected rewrite that got a verified >= {WIN}x win (claimed and re-measured on fresh inputs, equal outputs): "
        f"{pct(won, positive)} (target >= 80%)",
        f"wrong results applied (claimed win whose outputs differ on fresh inputs): {len(wrong)}"
        + (f" ({', '.join(r['id'] for r in wrong)})" if wrong else "") + " (target 0)",
        f"cases where the engine had nothing to try (no candidate proposed): {pct(nothing, records)}",
        f"negative controls with a claim that did not hold up: {len(false_claims)}/{len(negative)}"
        + (f" ({', '.join(r['id'] for r in false_claims)})" if false_claims else ""),
        f"claimed wins on expected cases not confirmed on fresh inputs: {len(unconfirmed)}"
        + (f" ({', '.join(r['id'] for r in unconfirmed)})" if unconfirmed else ""),
        f"winners whose project tests fail: {len(tests_failed)}" + (f" ({', '.join(r['id'] for r in tests_failed)})" if tests_failed else ""),
        f"runs that failed or timed out: {len(failed)}" + (f" ({', '.join(r['id'] + ': ' + r['outcome'] for r in failed)})" if failed else ""),
    ]
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append", help="case id (repeatable)")
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--timeout", type=int, default=240, help="seconds per case for the CLI run")
    ap.add_argument("--rounds", type=int, default=7, help="re-measurement rounds, each on new inputs")
    ap.add_argument("--no-write", action="store_true", help="print only; leave results.md/json alone")
    a = ap.parse_args()
    bin_path = os.environ.get("WECO_LSP_BIN") or default_bin()
    cases = setup.load_manifest()["case"]
    if a.only:
        unknown = set(a.only) - {c["id"] for c in cases}
        if unknown:
            sys.exit(f"unknown case id(s): {', '.join(sorted(unknown))}")
        cases = [c for c in cases if c["id"] in a.only]
    wait_for_binary(bin_path)
    version = subprocess.run([bin_path, "--version"], capture_output=True, text=True).stdout.strip()
    os.makedirs(setup.WORK, exist_ok=True)
    records = []
    t0 = time.monotonic()
    for c in cases:
        print(f"[{len(records) + 1}/{len(cases)}] {c['id']} ...", file=sys.stderr, flush=True)
        r = run_case(c, bin_path, a.steps, a.timeout, a.rounds)
        extra = f" claimed {r['claimed']}x re-measured {r.get('remeasured')}x equal {r.get('equal')}" if r.get("claimed") else ""
        print(f"    {r['verdict']}: tried {', '.join(r['tried']) or 'nothing'}{extra} ({r['seconds']} s)", file=sys.stderr, flush=True)
        records.append(r)
    total = round(time.monotonic() - t0)
    stats = rewrite_stats(records)
    lines = summary(records)
    md = (f"# Rewrite benchmark results\n\n{time.strftime('%Y-%m-%d %H:%M')}, `{version}` ({os.path.relpath(bin_path, REPO) if bin_path.startswith(REPO) else bin_path}), "
          f"`--backend local --steps {a.steps}`, timeout {a.timeout} s per case, re-measured over {a.rounds} rounds of fresh inputs; "
          f"{len(records)} case(s) in {total // 60} min {total % 60} s.\n\n"
          "## Summary\n\n" + "\n".join(f"- {x}" for x in lines) + "\n\n"
          "## Per rewrite\n\n" + rewrite_table(stats) + "\n## Per case\n\n" + case_table(records))
    print(md)
    if not a.no_write:
        with open(os.path.join(HERE, "results.md"), "w") as f:
            f.write(md)
        with open(os.path.join(HERE, "results.json"), "w") as f:
            json.dump({"binary": bin_path, "version": version, "steps": a.steps, "timeout": a.timeout, "rounds": a.rounds,
                       "seconds": total, "summary": lines, "rewrites": stats, "cases": records}, f, indent=1)


if __name__ == "__main__":
    main()
