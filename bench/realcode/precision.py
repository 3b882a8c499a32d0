#!/usr/bin/env python3
"""Flag precision on real code (issue #16): which functions of real packages get a lens, and were they worth one.

    python3 bench/realcode/precision.py extract   # candidates + snippets into tests/fixtures/precision/
    python3 bench/realcode/precision.py report    # precision and recall of the binary against labels.json

`extract` runs `weco-lsp analyze --json` over whole packages: the corpus's pinned PyPI packages (sources from
`bench/realcode/work/_cache/src`, made by `setup.py`) and pinned crates (the corpus's two crates from
`work/_cache/vendor`, and crates this workspace already depends on, from Cargo's registry source folder after
`cargo fetch --locked`). Every function with at least one reason that is not trivial is a *candidate*: the superset
the analysis could lens, hints included, so that labels are made without knowing the current verdict. For each
candidate it writes a snippet (the module's imports and constants, the enclosing class headers, the function) and
checks that the snippet gets the same reasons as the function in its whole file; where it does not, the snippet is
the whole file, one copy per file. `labels.json` (written by hand) says for each candidate whether it is worth a look, and why.

`report` analyses the snippets with the binary and prints precision (share of lensed candidates labelled worth a
look) and recall (share of worth-a-look candidates that keep their lens), per language and package. The test
`tests/tests/precision.rs` asserts the same figures from the same files.
"""

import ast
import glob
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "precision"
WORK = Path(os.environ.get("REALCODE_WORK", HERE / "work"))
# Crates of this workspace's own dependency tree (pinned by Cargo.lock), read from Cargo's registry sources. Not
# syn, regex-syntax or regex-automata: those are reserved for independent checks.
WORKSPACE_CRATES = ["similar", "ropey", "aho-corasick", "bstr", "memchr", "granit-parser", "hashbrown", "indexmap", "serde_json"]
RESERVED = {"syn", "regex-syntax", "regex-automata", "sympy", "networkx", "pandas", "numpy"}


def binary():
    for candidate in [os.environ.get("WECO_LSP_BIN"), REPO / "target/release/weco-lsp", REPO / "target/debug/weco-lsp"]:
        if candidate and Path(candidate).exists():
            return str(candidate)
    sys.exit("no weco-lsp binary: build it or set WECO_LSP_BIN")


def analyze(paths, cwd):
    out = subprocess.run([binary(), "analyze", "--json", *map(str, paths)], cwd=cwd, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def locked_versions():
    lock = tomllib.loads((REPO / "Cargo.lock").read_text())
    versions = {}
    for package in lock["package"]:
        if package.get("source", "").startswith("registry+"):
            versions.setdefault(package["name"], package["version"])
    return versions


def sources():
    """(language, package, version, folder to analyse, folder paths are shown relative to)."""
    manifest = tomllib.loads((HERE / "manifest.toml").read_text())
    found = []
    for package in manifest["python_package"]:
        base = WORK / "_cache" / "src" / f"{package['name']}-{package['version']}"
        found.append(("python", package["name"], package["version"], base / package["import_name"], base))
    for crate in manifest["rust_crate"]:
        base = WORK / "_cache" / "vendor" / f"{crate['name']}-{crate['version']}"
        found.append(("rust", crate["name"], crate["version"], base / "src", base))
    cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    versions = locked_versions()
    for name in WORKSPACE_CRATES:
        assert name not in RESERVED
        matches = glob.glob(str(cargo_home / "registry" / "src" / "*" / f"{name}-{versions[name]}"))
        if not matches:
            sys.exit(f"{name} {versions[name]} is not in {cargo_home}/registry/src: run `cargo fetch --locked`")
        base = Path(matches[0])
        found.append(("rust", name, versions[name], base / "src", base))
    for _, _, _, folder, _ in found:
        if not folder.is_dir():
            sys.exit(f"{folder} is missing: run `python3 bench/realcode/setup.py` first")
    return found


def signature(row):
    return sorted((r["kind"], r["hint"], r["count"]) for r in row["reasons"])


def python_snippet(text, qualified):
    """Module imports and simple top-level statements, the enclosing class headers with their class-level
    assignments, and the outermost function of `qualified` (nested functions stay inside their parent)."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)

    def segment(node):
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        return "".join(lines[start - 1 : node.end_lineno])

    out = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.Try)):
            out.append(segment(node))
    parts = qualified.split(".")
    body, indent = tree.body, ""
    for depth, name in enumerate(parts):
        node = next((n for n in body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name), None)
        if node is None:
            return None
        if isinstance(node, ast.ClassDef) and depth < len(parts) - 1:
            header_end = node.body[0].lineno - 1
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            header = "".join(lines[start - 1 : header_end])
            members = [segment(n) for n in node.body if isinstance(n, (ast.Assign, ast.AnnAssign))]
            out.append(header + "".join(members))
            body, indent = node.body, indent + "    "
            continue
        out.append(segment(node))
        break
    return "".join(chunk if chunk.endswith("\n") else chunk + "\n" for chunk in out)


def rust_snippet(text, row):
    """The file's `use` items, then the function inside an `impl` of its type when it is a method."""
    lines = text.splitlines(keepends=True)
    start, end = row["range"]["start"]["line"], row["range"]["end"]["line"]
    uses = [line for line in lines if line.startswith("use ")]
    function = "".join(lines[start - 1 : end])
    # Attributes and doc comments right above (#[inline], #[cfg(test)] matter to the analysis).
    above = start - 2
    while above >= 0 and lines[above].lstrip().startswith(("#[", "///")):
        function = lines[above] + function
        above -= 1
    parts = row["function"].split("::")
    if len(parts) > 1:
        function = f"impl {parts[-2]} {{\n{function}}}\n"
    return "".join(uses) + "\n" + function


def extract():
    FIXTURE.mkdir(parents=True, exist_ok=True)
    snippets = FIXTURE / "snippets"
    for old in snippets.glob("*"):
        old.unlink()
    snippets.mkdir(exist_ok=True)
    candidates = []
    for language, package, version, folder, base in sources():
        rows = analyze([folder], cwd=base)
        picked = [r for r in rows if r["reasons"] and not r["trivial"]]
        for row in picked:
            source_text = (base / row["file"]).read_text()
            slug = f"{package}__{row['file'].replace('/', '_').rsplit('.', 1)[0]}__{row['function'].replace('::', '.')}"
            extension = "py" if language == "python" else "rs"
            snippet = python_snippet(source_text, row["function"]) if language == "python" else rust_snippet(source_text, row)
            path = snippets / f"{slug}.{extension}"
            whole = snippet is None
            if not whole:
                path.write_text(snippet)
                again = [r for r in analyze([path], cwd=FIXTURE) if r["function"] == row["function"]]
                whole = len(again) != 1 or signature(again[0]) != signature(row)
            if whole:
                # One copy of a file for all of its candidates that need it whole.
                path.unlink(missing_ok=True)
                path = snippets / f"{package}__{row['file'].replace('/', '_')}"
                path.write_text(source_text)
            candidates.append(
                {
                    "id": slug,
                    "language": language,
                    "package": package,
                    "version": version,
                    "file": row["file"],
                    "line": row["range"]["start"]["line"],
                    "function": row["function"],
                    "snippet": path.name,
                    "snippet_is_whole_file": whole,
                    "reasons": [{"kind": r["kind"], "message": r["message"], "count": r["count"]} for r in row["reasons"]],
                }
            )
        print(f"{package} {version}: {len(rows)} functions, {len(picked)} candidates", file=sys.stderr)
    with open(FIXTURE / "candidates.jsonl", "w") as out:
        for candidate in candidates:
            out.write(json.dumps(candidate) + "\n")
    print(f"{len(candidates)} candidates in {FIXTURE / 'candidates.jsonl'}", file=sys.stderr)


def report():
    labels = {label["id"]: label for label in json.loads((FIXTURE / "labels.json").read_text())}
    candidates = [json.loads(line) for line in (FIXTURE / "candidates.jsonl").read_text().splitlines()]
    rows = analyze([FIXTURE / "snippets"], cwd=FIXTURE)
    flagged = {}
    for candidate in candidates:
        row = next((r for r in rows if Path(r["file"]).name == candidate["snippet"] and r["function"] == candidate["function"]), None)
        flagged[candidate["id"]] = bool(row and row["flagged"])
    groups = {}
    for candidate in candidates:
        label = labels.get(candidate["id"])
        if label is None:
            continue
        for key in [("all", ""), (candidate["language"], ""), (candidate["language"], candidate["package"])]:
            g = groups.setdefault(key, {"labelled": 0, "worth": 0, "lensed": 0, "lensed_worth": 0, "lost": []})
            g["labelled"] += 1
            g["worth"] += label["verdict"] == "worth"
            g["lensed"] += flagged[candidate["id"]]
            g["lensed_worth"] += flagged[candidate["id"]] and label["verdict"] == "worth"
            if label["verdict"] == "worth" and not flagged[candidate["id"]]:
                g["lost"].append(candidate["id"])
    print("| scope | labelled | worth a look | with a lens | lensed and worth | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (language, package), g in sorted(groups.items(), key=lambda item: (item[0][0] != "all", item[0])):
        precision = f"{g['lensed_worth'] / g['lensed']:.0%}" if g["lensed"] else "-"
        recall = f"{g['lensed_worth'] / g['worth']:.0%}" if g["worth"] else "-"
        scope = package or language
        print(f"| {scope} | {g['labelled']} | {g['worth']} | {g['lensed']} | {g['lensed_worth']} | {precision} | {recall} |")
    lost = groups.get(("all", ""), {}).get("lost", [])
    if lost:
        print("\nworth a look but no lens: " + ", ".join(lost))


if __name__ == "__main__":
    {"extract": extract, "report": report}.get(sys.argv[1] if len(sys.argv) > 1 else "", lambda: sys.exit(__doc__))()
