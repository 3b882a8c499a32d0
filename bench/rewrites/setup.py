#!/usr/bin/env python3
"""Materializes every case of manifest.toml as a small user project under work/<id>/.

    python3 bench/rewrites/setup.py [--only ID]...

work/<id>/ gets the case's source files (everything in cases/<id>/ except test_<id>.py and
fresh.py, keeping sub-folders, so a package stays a package), `pyproject.toml`, `.gitignore`,
`tests/test_<id>.py`, `.venv` (a symlink to one shared venv, work/_venv, made with
`python3 -m venv` + pytest, as bench/realcode/setup.py does) and a git repository with one commit.

A project is rebuilt when its case files changed (work/<id>/.case-ready holds their hash), so
editing a case and re-running is enough. Python 3.11 stdlib only. REWRITES_WORK moves work/.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("REWRITES_WORK") or os.path.join(HERE, "work")
CASES = os.path.join(HERE, "cases")
PYTEST = "pytest==9.2.0"
SKIP = {"fresh.py", "__pycache__", ".pytest_cache"}


def sh(cmd, cwd=None, env=None, quiet=False):
    if not quiet:
        print("  $", " ".join(cmd), flush=True)
    subprocess.run(["nice", "-n", "10", *cmd], cwd=cwd, check=True, env=env)


def load_manifest():
    with open(os.path.join(HERE, "manifest.toml"), "rb") as f:
        return tomllib.load(f)


def case_files(case_id):
    """(relative path, absolute path) of every file of cases/<id>/, sorted."""
    root = os.path.join(CASES, case_id)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP)
        for name in sorted(filenames):
            if name.endswith(".pyc"):
                continue
            path = os.path.join(dirpath, name)
            found.append((os.path.relpath(path, root), path))
    return found


def case_hash(case_id):
    h = hashlib.sha256()
    for rel, path in case_files(case_id):
        h.update(rel.encode() + b"\0")
        with open(path, "rb") as f:
            h.update(f.read() + b"\0")
    return h.hexdigest()


def shared_venv():
    venv = os.path.join(WORK, "_venv")
    if not os.path.exists(os.path.join(venv, ".ready")):
        shutil.rmtree(venv, ignore_errors=True)
        sh([sys.executable, "-m", "venv", venv])
        sh([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", PYTEST])
        open(os.path.join(venv, ".ready"), "w").close()
    return venv


def git_first_commit(root):
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.invalid")
    sh(["git", "init", "-q", "-b", "main"], cwd=root, env=env, quiet=True)
    sh(["git", "add", "-A"], cwd=root, env=env, quiet=True)
    sh(["git", "commit", "-q", "-m", "first commit"], cwd=root, env=env, quiet=True)


def setup_case(case, force=False):
    """Builds work/<id>/ unless it is there with the same case files. Returns the project root."""
    cid = case["id"]
    root = os.path.join(WORK, cid)
    marker = os.path.join(root, ".case-ready")
    digest = case_hash(cid)
    if not force and os.path.exists(marker):
        with open(marker) as f:
            if f.read().strip() == digest:
                return root
    print(f"{cid}: setting up {root}", flush=True)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "tests"))
    test_name = f"test_{cid}.py"
    for rel, path in case_files(cid):
        if rel == test_name:
            shutil.copy(path, os.path.join(root, "tests", test_name))
        elif os.path.basename(rel) not in SKIP:
            dest = os.path.join(root, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy(path, dest)
    if not os.path.exists(os.path.join(root, "tests", test_name)):
        sys.exit(f"{cid}: cases/{cid}/{test_name} is missing")
    if not os.path.exists(os.path.join(root, case["module"])):
        sys.exit(f"{cid}: cases/{cid}/{case['module']} is missing")
    with open(os.path.join(root, "pyproject.toml"), "w") as f:
        f.write(f'[project]\nname = "{cid.replace("_", "-")}"\nversion = "0.1.0"\n'
                f'description = "weco-lsp bench/rewrites case {cid}"\nrequires-python = ">=3.9"\ndependencies = []\n\n'
                '[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["."]\n')
    with open(os.path.join(root, ".gitignore"), "w") as f:
        f.write(".venv\n__pycache__/\n.weco/\n.pytest_cache/\n.case-ready\n.case-run.log\n")
    os.symlink(os.path.relpath(shared_venv(), root), os.path.join(root, ".venv"))
    git_first_commit(root)
    with open(marker, "w") as f:
        f.write(digest + "\n")
    return root


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append", help="case id (repeatable)")
    ap.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = ap.parse_args()
    cases = [c for c in load_manifest()["case"] if not args.only or c["id"] in args.only]
    os.makedirs(WORK, exist_ok=True)
    for c in cases:
        setup_case(c, args.force)
    print(f"ready: {len(cases)} projects under {WORK}")


if __name__ == "__main__":
    main()
