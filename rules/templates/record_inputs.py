"""Records the arguments of real calls to one function while the project's tests run (weco-lsp template
`record_inputs`). Usage: python record_inputs.py <settings.json>. Writes the first distinct calls, pickled,
to the output path. Runs pytest when it is importable, otherwise a small runner for plain `test_*` functions
and unittest cases."""
import inspect
import json
import os
import pickle
import sys
import unittest

SETTINGS = json.load(open(sys.argv[1]))
TARGET_FILE = os.path.realpath(SETTINGS["source_path"])
QUALNAME = SETTINGS["function"]
NAME = QUALNAME.split(".")[-1]
LIMIT = int(SETTINGS.get("limit", 20))
recorded = []
seen = set()


def _capture(frame):
    code = frame.f_code
    names = code.co_varnames
    positional = [frame.f_locals[n] for n in names[: code.co_argcount]]
    keyword = {n: frame.f_locals[n] for n in names[code.co_argcount: code.co_argcount + code.co_kwonlyargcount]}
    index = code.co_argcount + code.co_kwonlyargcount
    if code.co_flags & inspect.CO_VARARGS:
        positional.extend(frame.f_locals[names[index]])
        index += 1
    if code.co_flags & inspect.CO_VARKEYWORDS:
        keyword.update(frame.f_locals[names[index]])
    try:
        blob = pickle.dumps((tuple(positional), keyword))
    except Exception:
        return
    if blob not in seen:
        seen.add(blob)
        recorded.append(blob)


def _profile(frame, event, arg):
    if event != "call" or len(recorded) >= LIMIT:
        return
    code = frame.f_code
    if code.co_name != NAME or getattr(code, "co_qualname", QUALNAME) != QUALNAME:
        return
    if os.path.realpath(code.co_filename) != TARGET_FILE:
        return
    _capture(frame)


def _plain_runner(paths):
    """Imports test files and calls their argument-free `test_*` functions and unittest cases."""
    import importlib.util
    files = []
    for path in paths:
        if os.path.isfile(path):
            files.append(path)
            continue
        for folder, dirs, names in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("node_modules", "venv", ".venv")]
            files += [os.path.join(folder, n) for n in sorted(names)
                      if n.endswith(".py") and (n.startswith("test_") or n.endswith("_test.py"))]
    for number, file in enumerate(files):
        spec = importlib.util.spec_from_file_location("_weco_test_%d" % number, file)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception:
            continue
        for name, value in list(vars(module).items()):
            if name.startswith("test") and inspect.isfunction(value):
                params = [p for p in inspect.signature(value).parameters.values() if p.default is p.empty]
                if not params:
                    try:
                        value()
                    except Exception:
                        pass
            elif isinstance(value, type) and issubclass(value, unittest.TestCase):
                suite = unittest.defaultTestLoader.loadTestsFromTestCase(value)
                suite.run(unittest.TestResult())


def main():
    root = SETTINGS["project_root"]
    os.chdir(root)
    for path in (SETTINGS.get("import_root"), root):
        if path and path not in sys.path:
            sys.path.insert(0, path)
    paths = SETTINGS["test_paths"]
    sys.setprofile(_profile)
    try:
        try:
            import pytest
        except ImportError:
            pytest = None
        if pytest is not None:
            pytest.main(["-q", "-x", "-p", "no:cacheprovider", "--no-header"] + paths)
        else:
            _plain_runner(paths)
    finally:
        sys.setprofile(None)
    calls = [pickle.loads(blob) for blob in recorded]
    with open(SETTINGS["output"] + ".tmp", "wb") as handle:
        pickle.dump(calls, handle)
    os.replace(SETTINGS["output"] + ".tmp", SETTINGS["output"])
    sys.stdout.write("recorded %d distinct calls\n" % len(calls))


main()
