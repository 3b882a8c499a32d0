# ---------------------------------------------------------------------------
# Harness loading (weco-lsp template `harness_load`): the user's module imported
# once, and the candidate's changed code swapped into a copy of its globals.
# ---------------------------------------------------------------------------
import ast
import collections
import importlib
import os
import sys


def _load_real_module():
    """The user's module imported once under its own name, when its file still holds the baseline's text.

    Loading a second copy of a module re-runs what it does at import (registries that refuse duplicates,
    class definitions that are then different classes); the real module is loaded once, and the candidate
    gets only its changed code swapped in (see `_swap_candidate`). None when that is not possible."""
    path, name = CONFIG.get("original_path"), CONFIG.get("module")
    if not path or not name:
        return None
    try:
        with open(os.path.join(HERE, "baseline.py"), encoding="utf-8") as handle:
            baseline_text = handle.read()
        with open(path, encoding="utf-8") as handle:
            if handle.read() != baseline_text:
                return None  # in place, or edited since the task was set up
    except (OSError, UnicodeDecodeError):
        return None
    for root in (CONFIG["import_root"], CONFIG["project_root"]):
        if root and root not in sys.path:
            sys.path.insert(0, root)
    try:
        module = importlib.import_module(name)
    except Exception:
        return None
    file = getattr(module, "__file__", None)
    try:
        if not file or not os.path.samefile(file, path):
            return None
    except OSError:
        return None
    return module


def _defs_named(body, name):
    return [n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name]


def _swap_candidate(real, candidate_path):
    """The candidate's version of the target, compiled into a copy of the real module's globals: only the
    target and the top-level statements the candidate added or changed run. Returns (namespace, raw
    function) or None when the change is not of that shape (a changed class, `super()` in a method)."""
    with open(candidate_path, encoding="utf-8") as handle:
        candidate_tree = ast.parse(handle.read(), candidate_path)
    with open(os.path.join(HERE, "baseline.py"), encoding="utf-8") as handle:
        baseline_tree = ast.parse(handle.read())
    parts = CONFIG["function"].split(".")
    if len(parts) > 2:
        return None
    unchanged = collections.Counter(ast.dump(n) for n in baseline_tree.body)
    baseline_classes = {n.name: n for n in baseline_tree.body if isinstance(n, ast.ClassDef)}
    future = [n for n in baseline_tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    target, added, plain_functions = None, [], []
    for node in candidate_tree.body:
        if len(parts) == 1 and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == parts[0]:
            target = node
            continue
        if len(parts) == 2 and isinstance(node, ast.ClassDef) and node.name == parts[0]:
            before = baseline_classes.get(node.name)
            if before is None:
                return None
            found = _defs_named(node.body, parts[1])
            rest = [ast.dump(m) for m in node.body if not (m in found)]
            rest_before = [ast.dump(m) for m in before.body if m not in _defs_named(before.body, parts[1])]
            same_header = [ast.dump(x) for x in node.bases + node.decorator_list + node.keywords] == [
                ast.dump(x) for x in before.bases + before.decorator_list + before.keywords]
            if len(found) != 1 or rest != rest_before or not same_header:
                return None
            target = found[0]
            continue
        dumped = ast.dump(node)
        if unchanged[dumped] > 0:
            unchanged[dumped] -= 1
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.decorator_list:
                plain_functions.append(node)
            continue
        if isinstance(node, ast.ClassDef) and node.name in baseline_classes:
            return None  # a second class of that name would not be the one the inputs are made of
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        added.append(node)
    if target is None:
        return None
    if any(isinstance(n, ast.Name) and n.id == "super" for n in ast.walk(target)):
        return None  # super() needs the class cell of the class body
    namespace = dict(real.__dict__)
    # When a helper changed, the unchanged functions between the target and it must reach the new one:
    # they are compiled into the namespace too (undecorated ones only: a decorator may register).
    body = future + (plain_functions if added else []) + added + [target]
    code = compile(ast.Module(body=body, type_ignores=[]), candidate_path, "exec")
    exec(code, namespace)
    return namespace, namespace[parts[-1]]
