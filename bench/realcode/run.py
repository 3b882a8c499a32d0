#!/usr/bin/env python3
"""Runs `weco-lsp optimize` on every corpus entry from its project root and tabulates what happened.

    python3 bench/realcode/setup.py && python3 bench/realcode/run.py [--only ID]... [--steps N] [--timeout S]

The binary is $WECO_LSP_BIN (default: the repo's target/release, else target/debug, weco-lsp).
For each entry: `nice -n 10 $WECO_LSP_BIN optimize <file>::<function> --backend local --steps N`
with cwd = work/<id>, a timeout, stdout/stderr/exit code kept in work/<id>/.corpus-run.log.
A verified win is re-measured by remeasure.py in a fresh process with the project's interpreter,
on fresh_inputs() from fresh/<id>.py (Python only). Prints a markdown table and writes
results.md and results.json next to this script.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WORK = os.environ.get("REALCODE_WORK") or os.path.join(HERE, "work")


def default_bin():
    for kind in ("release", "debug"):
        path = os.path.join(REPO, "target", kind, "weco-lsp")
        if os.path.exists(path):
            return path
    return "weco-lsp"


def first(pattern, text, group=1):
    m = re.search(pattern, text, re.M)
    return m.group(group) if m else None


def stray_weco_dirs(root):
    """`.weco` folders created anywhere under the project root other than the root itself."""
    found = []
    for dirpath, dirnames, _ in os.walk(root):
        if ".weco" in dirnames and os.path.abspath(dirpath) != os.path.abspath(root):
            found.append(os.path.relpath(os.path.join(dirpath, ".weco"), root))
        dirnames[:] = [d for d in dirnames if d not in (".git", ".venv", "target", ".weco")]
    return found


def winner_text(task_dir, source_file):
    """The verified winner's full text: result.json files[0].proposed, else the run's best/ copy."""
    if not task_dir:
        return None, None
    result = os.path.join(task_dir, "result.json")
    if os.path.exists(result):
        try:
            with open(result) as f:
                data = json.load(f)
            files = data.get("files") or data.get("changes", {}).get("files") or []
            if files and files[0].get("proposed") is not None:
                return files[0]["proposed"], "result.json"
        except (OSError, ValueError, AttributeError) as e:
            return None, f"result.json unreadable: {e}"
    best = sorted(glob.glob(os.path.join(task_dir, ".runs", "*", "best", "files", source_file or "optimize.py")))
    if best:
        with open(best[-1]) as f:
            return f.read(), ".runs/*/best (no result.json)"
    return None, None


def classify(code, out, err, timed_out):
    text = out + "\n" + err
    if timed_out:
        return "timeout", "the run passed the corpus timeout"
    if re.search(r"^weco: verified ", out, re.M):
        return "verified win", first(r"^weco: verified (.*)$", out)
    m = re.search(r"^weco: no verified improvement \((.*)\)\. Your file is unchanged\.$", out, re.M)
    if m:
        return "no improvement", m.group(1)
    why = first(r"^weco-lsp: (.*)$", err) or (err.strip().splitlines() or out.strip().splitlines() or ["(no output)"])[-1]
    if "weco: baseline = " not in out:
        return "failed to start", why
    return "failed", why


def run_entry(entry, bin_path, steps, timeout, rounds):
    root = os.path.join(WORK, entry["id"])
    rec = {"id": entry["id"], "language": entry["language"], "package": entry["package"],
           "target": f"{entry['file']}::{entry['function']}"}
    if not os.path.isdir(root):
        rec.update(outcome="not set up", reason="run setup.py first")
        return rec
    shutil.rmtree(os.path.join(root, ".weco"), ignore_errors=True)
    for stray in stray_weco_dirs(root):
        shutil.rmtree(os.path.join(root, stray), ignore_errors=True)
    cmd = ["nice", "-n", "10", bin_path, "optimize", rec["target"], "--backend", "local", "--steps", str(steps)]
    t0 = time.monotonic()
    timed_out = False
    try:
        p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        timed_out, code = True, None
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = (e.stderr or b"").decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
    rec["seconds"] = round(time.monotonic() - t0, 1)
    rec["exit_code"] = code
    with open(os.path.join(root, ".corpus-run.log"), "w") as f:
        f.write(f"$ {' '.join(cmd)}\n# exit {code}{' (timeout)' if timed_out else ''}\n--- stdout\n{out}\n--- stderr\n{err}\n")
    # Root found: the CLI names the root, and .weco/ appears there and nowhere else under it.
    printed_root = first(r"^weco: setting up \.weco/ for `.*` in (.*)$", out)
    rec["printed_root"] = printed_root
    stray = stray_weco_dirs(root)
    at_root = os.path.isdir(os.path.join(root, ".weco"))
    rec["root_found"] = bool(printed_root and os.path.realpath(printed_root) == os.path.realpath(root) and not stray
                             and (at_root or "task folder" not in out))
    rec["stray_weco"] = stray
    task_dir = first(r"^weco: task folder (.*) \(inputs: .*\)$", out)
    rec["task_dir"] = task_dir
    rec["inputs"] = first(r"^weco: task folder .* \(inputs: (.*)\)$", out)
    base = first(r"^weco: baseline = (.*)$", out)
    baseline_failed = "The baseline (step 0) failed" in out or re.match(r"0\.0+\b", base or "")
    if base is not None and baseline_failed:
        rec["baseline"] = "rejected"
        rec["baseline_aa"] = None
    elif base is not None:
        rec["baseline"] = "accepted"
        noise = first(r"timing noise ([0-9.]+%)", base)
        ratio, cv = None, None
        try:
            with open(os.path.join(task_dir, "task.json")) as f:
                b = json.load(f).get("baseline") or {}
            ratio = first(r"ratio ([0-9.]+)", b.get("output", ""))
            cv = b.get("cv")
        except (OSError, ValueError, TypeError):
            pass
        rec["baseline_aa"] = f"A/A ratio {ratio}, cv {cv * 100:.1f}%" if ratio and cv is not None else (f"noise {noise}" if noise else base[:80])
    else:
        rec["baseline"] = "rejected" if "baseline" in (out + err) else "not reached"
        rec["baseline_aa"] = None
    rec["outcome"], rec["reason"] = classify(code, out, err, timed_out)
    # What the engine tried: rule tags of the proposed steps, steps not scored, why it stopped.
    rec["steps_tried"] = re.findall(r"^weco: step \d+: (\[[^\]]+\]|.{0,60})", out, re.M)
    rec["not_scored"] = re.findall(r"^weco: step \d+ was not scored \((.*?)\);", out, re.M)
    stop = first(r"^weco: (The proposer has nothing new to try after step \d+)\.", out) or first(r"^weco: (the last \d+ candidates failed the same way .*)$", out)
    if rec["outcome"] == "no improvement":
        tried = ", ".join(rec["steps_tried"]) or "no candidate proposed"
        rec["reason"] = f"{rec['reason']}; tried: {tried}" + (f"; {stop}" if stop else "")
    if rec["not_scored"]:
        rec["reason"] += "; not scored: " + " / ".join(sorted(set(rec["not_scored"])))[:200]
    rec["claimed"] = first(r"^weco: verified \w+ ([0-9.]+)x", out)
    rec["claimed_line"] = first(r"^weco: verified (.*)$", out)
    rec["remeasured"] = None
    if rec["outcome"] == "verified win" and entry["language"] == "python":
        source_file = None
        try:
            with open(os.path.join(task_dir, "task.json")) as f:
                source_file = json.load(f).get("source_file")
        except (OSError, ValueError, TypeError):
            pass
        text, origin = winner_text(task_dir, source_file)
        rec["winner_source"] = origin
        if text is None:
            rec["remeasure"] = {"ok": False, "error": f"no winner text found ({origin or 'no result.json, no .runs best'})"}
        else:
            with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
                f.write(text)
                proposed = f.name
            try:
                p = subprocess.run(["nice", "-n", "10", os.path.join(root, ".venv", "bin", "python"), os.path.join(HERE, "remeasure.py"),
                                    "--root", root, "--file", entry["file"], "--function", entry["function"],
                                    "--proposed", proposed, "--fresh", os.path.join(HERE, entry["fresh"]), "--rounds", str(rounds)],
                                   cwd=root, capture_output=True, text=True, timeout=600)
                lines = p.stdout.strip().splitlines()
                rec["remeasure"] = json.loads(lines[-1]) if lines else {"ok": False, "error": p.stderr[-500:]}
            except (subprocess.TimeoutExpired, ValueError) as e:
                rec["remeasure"] = {"ok": False, "error": f"{type(e).__name__}: {e}"}
            finally:
                os.unlink(proposed)
        rm = rec["remeasure"]
        if rm.get("ok"):
            rec["remeasured"] = round(rm["speedup"], 2)
            rec["equal_on_fresh"] = rm["equal"]
    elif rec["outcome"] == "verified win":
        rec["remeasure"] = {"ok": False, "error": "Rust: not re-measured by this script"}
    return rec


def cell(v):
    return "" if v is None else str(v).replace("|", "\\|").replace("\n", " ")


def table(records):
    head = "| id | target | root found | baseline (A/A) | inputs | outcome | reason | claimed | re-measured (fresh) | equal |\n|---|---|---|---|---|---|---|---|---|---|\n"
    rows = []
    for r in records:
        rm = r.get("remeasure") or {}
        remeasured = f"{r['remeasured']}x" if r.get("remeasured") is not None else (f"error: {rm.get('error')}" if rm and not rm.get("ok") else "")
        equal = "" if r.get("equal_on_fresh") is None else ("yes" if r["equal_on_fresh"] else "**NO**")
        base = r.get("baseline") or ""
        if r.get("baseline_aa"):
            base += f" ({r['baseline_aa']})"
        rows.append("| " + " | ".join(cell(x) for x in [
            r["id"], f"`{r['target']}`", "yes" if r.get("root_found") else "no", base, r.get("inputs"), r.get("outcome"),
            (r.get("reason") or "")[:220], f"{r['claimed']}x" if r.get("claimed") else "", remeasured, equal]) + " |")
    return head + "\n".join(rows) + "\n"


def summary(records):
    n = len(records)
    accepted = sum(1 for r in records if r.get("baseline") == "accepted")
    roots = sum(1 for r in records if r.get("root_found"))
    claimed = [r for r in records if r.get("outcome") == "verified win"]
    confirmed = [r for r in claimed if r.get("remeasured") is not None and r["remeasured"] > 1.05 and r.get("equal_on_fresh")]
    wrong = [r for r in claimed if r.get("equal_on_fresh") is False]
    return (f"root found {roots}/{n}; baseline accepted {accepted}/{n}; wins claimed {len(claimed)}; "
            f"wins confirmed on fresh inputs (>1.05x, equal outputs) {len(confirmed)}; wrong results on fresh inputs {len(wrong)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append")
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=9, help="re-measurement rounds, each on new inputs")
    ap.add_argument("--no-write", action="store_true", help="print only; leave results.md/json alone")
    a = ap.parse_args()
    bin_path = os.environ.get("WECO_LSP_BIN") or default_bin()
    with open(os.path.join(HERE, "manifest.toml"), "rb") as f:
        manifest = tomllib.load(f)
    entries = [e for e in manifest["entry"] if not a.only or e["id"] in a.only]
    version = subprocess.run([bin_path, "--version"], capture_output=True, text=True).stdout.strip()
    records = []
    for e in entries:
        print(f"[{len(records) + 1}/{len(entries)}] {e['id']} ...", file=sys.stderr, flush=True)
        r = run_entry(e, bin_path, a.steps, a.timeout, a.rounds)
        print(f"    {r.get('outcome')}: {(r.get('reason') or '')[:150]} ({r.get('seconds')} s)", file=sys.stderr, flush=True)
        records.append(r)
    md = (f"# Real-code corpus results\n\n{time.strftime('%Y-%m-%d %H:%M')}, `{version}` ({bin_path}), "
          f"`--backend local --steps {a.steps}`, timeout {a.timeout} s, re-measured over {a.rounds} rounds of fresh inputs.\n\n"
          + table(records) + "\n**Summary:** " + summary(records) + "\n")
    print(md)
    if not a.no_write:
        with open(os.path.join(HERE, "results.md"), "w") as f:
            f.write(md)
        with open(os.path.join(HERE, "results.json"), "w") as f:
            json.dump({"binary": bin_path, "version": version, "steps": a.steps, "summary": summary(records), "entries": records}, f, indent=1)


if __name__ == "__main__":
    main()
