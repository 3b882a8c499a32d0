"""Records the arguments of real calls to one function while the project's tests run (weco-lsp template
`record_inputs`). Usage: python record_inputs.py <settings.json>. Writes the first distinct calls, pickled,
to the output path. Runs pytest when it is importable, otherwise a small runner for plain `test_*` functions
and unittest cases."""
import importlib
import inspect
import io
import json
import marshal
import os
import pickle
import sys
import time
import types
import unittest

SETTINGS = json.load(open(sys.argv[1]))
TARGET_FILE = os.path.realpath(SETTINGS["source_path"])
QUALNAME = SETTINGS["function"]
NAME = QUALNAME.split(".")[-1]
LIMIT = int(SETTINGS.get("limit", 20))
recorded = []
by_code = 0  # calls whose arguments needed functions pickled as code
seen = set()
calls_seen = 0
not_recorded = {}  # reason -> count
unimportable = []  # (test file, error)
_resumed = set()  # generator frames already seen
_PROGRESS = os.path.join(os.path.dirname(SETTINGS["output"]), ".recording.progress")
_started = time.monotonic()
_tests_run = 0
_last_progress = [0.0]


def _progress(current=None, final=False):
    """Rewrites the one-line progress file the language server shows (at most twice a second)."""
    now = time.monotonic()
    if now - _last_progress[0] < 0.5 and not final:
        return
    _last_progress[0] = now
    text = "%d test%s run, %d call%s of `%s` seen, %d recorded, %.0f s%s" % (
        _tests_run, "" if _tests_run == 1 else "s", calls_seen, "" if calls_seen == 1 else "s", QUALNAME, len(recorded),
        now - _started, "; running %s" % current if current else "")
    try:
        with open(_PROGRESS + ".tmp", "w") as handle:
            handle.write(text + "\n")
        os.replace(_PROGRESS + ".tmp", _PROGRESS)
    except OSError:
        pass


class _PytestProgress:
    """A pytest plugin counting the tests as they run."""

    def pytest_runtest_logstart(self, nodeid, location):
        _progress(nodeid)

    def pytest_runtest_logfinish(self, nodeid, location):
        global _tests_run
        _tests_run += 1
        _progress(nodeid)


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
    global calls_seen
    calls_seen += 1
    # Always through the code-aware pickler: a function of a test module pickles by name here, where the module is
    # imported, but the harness does not import test modules. Plain data takes pickle's own fast paths.
    try:
        blob, with_code = _dumps_with_code((tuple(positional), keyword))
    except Exception as error:
        reason = _unpicklable(code, positional, keyword, error)
        not_recorded[reason] = not_recorded.get(reason, 0) + 1
        return
    if blob not in seen:
        seen.add(blob)
        recorded.append(blob)
        if with_code:
            global by_code
            by_code += 1
    _progress()


def _by_reference(function):
    """Whether pickle's own by-name reference will find this function again when the harness loads the inputs:
    a lambda, a function defined inside another, or one defined in a test module (which the harness does not
    import) will not."""
    qualname = getattr(function, "__qualname__", "")
    if "<lambda>" in qualname or "<locals>" in qualname:
        return False
    module = sys.modules.get(getattr(function, "__module__", None) or "")
    base = os.path.basename(getattr(module, "__file__", None) or "")
    if not base or base.startswith("test_") or base.endswith("_test.py") or base == "conftest.py":
        return False
    target = module
    for part in qualname.split("."):
        target = getattr(target, part, None)
    return target is function


def _global_names(code):
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


_LOAD_TYPES = {types.FunctionType: "FunctionType", types.CellType: "CellType"}


class _CodePickler(pickle.Pickler):
    """Pickles functions that pickle cannot find by name (lambdas and local functions, such as a test's
    `key=lambda r: r[1]`) as their compiled code, defaults, closure and the globals they name, so the harness
    rebuilds an equal function. The load side needs only the standard library (marshal, types). Replayed by
    the same interpreter that recorded, so marshal's format matches."""

    def reducer_override(self, obj):
        if isinstance(obj, type) and obj in _LOAD_TYPES:
            return getattr, (types, _LOAD_TYPES[obj])
        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        if isinstance(obj, types.CodeType):
            return marshal.loads, (marshal.dumps(obj),)
        if isinstance(obj, types.CellType):
            return types.CellType, (obj.cell_contents,)
        if not isinstance(obj, types.FunctionType) or _by_reference(obj):
            return NotImplemented
        self.with_code = True
        code = obj.__code__
        namespace = {name: obj.__globals__[name] for name in sorted(_global_names(code))
                     if name in obj.__globals__ and obj.__globals__[name] is not obj}
        namespace["__builtins__"] = importlib.import_module("builtins")
        namespace["__name__"] = obj.__globals__.get("__name__")
        attributes = {"__kwdefaults__": obj.__kwdefaults__, "__qualname__": obj.__qualname__, "__module__": obj.__module__}
        attributes.update(obj.__dict__)
        return types.FunctionType, (code, namespace, obj.__name__, obj.__defaults__, obj.__closure__), (None, attributes)


def _dumps_with_code(value):
    """The pickled value, and whether a function in it had to be pickled as code."""
    buffer = io.BytesIO()
    pickler = _CodePickler(buffer)
    pickler.with_code = False
    pickler.dump(value)
    return buffer.getvalue(), pickler.with_code


def _describe(value):
    kind = type(value).__name__
    name = getattr(value, "__qualname__", None)
    return "a %s%s" % (kind, " (%s)" % name if name and kind in ("function", "method", "builtin_function_or_method") else "")


def _unpicklable(code, positional, keyword, error):
    """Which argument cannot be pickled, and why, in words."""
    names = list(code.co_varnames[: code.co_argcount])
    for index, value in enumerate(positional):
        try:
            _dumps_with_code(value)
        except Exception as inner:
            label = names[index] if index < len(names) else "#%d" % (index + 1)
            return "argument %d (`%s`, %s) cannot be recorded: %s" % (index + 1, label, _describe(value), str(inner).splitlines()[0][:160])
    for key, value in keyword.items():
        try:
            _dumps_with_code(value)
        except Exception as inner:
            return "argument `%s` (%s) cannot be recorded: %s" % (key, _describe(value), str(inner).splitlines()[0][:160])
    return "the call cannot be recorded: %s" % str(error).splitlines()[0][:160]


def _called_from_itself(frame):
    """A recursive call made by the function itself is not an input a user passes: timing it (often a base case of
    a microsecond) would hide what a change does to the real call, memoization above all."""
    caller = frame.f_back
    while caller is not None:
        if caller.f_code is frame.f_code:
            return True
        caller = caller.f_back
    return False


def _profile(frame, event, arg):
    if event != "call" or len(recorded) >= LIMIT:
        return
    code = frame.f_code
    if code.co_name != NAME or getattr(code, "co_qualname", QUALNAME) != QUALNAME:
        return
    if os.path.realpath(code.co_filename) != TARGET_FILE:
        return
    if _called_from_itself(frame):
        return
    if code.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR):
        # A generator's frame gets a "call" event at every resumption: only its first is a call.
        if id(frame) in _resumed:
            return
        _resumed.add(id(frame))
    _capture(frame)


def _plain_runner(paths):
    """Imports test files and calls their argument-free `test_*` functions and unittest cases."""
    import importlib.util
    global _tests_run
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
        except Exception as error:
            unimportable.append((file, "%s: %s" % (type(error).__name__, str(error).splitlines()[0][:160] if str(error) else "")))
            continue
        for name, value in list(vars(module).items()):
            if name.startswith("test") and inspect.isfunction(value):
                params = [p for p in inspect.signature(value).parameters.values() if p.default is p.empty]
                if not params:
                    _progress("%s::%s" % (os.path.relpath(file), name))
                    try:
                        value()
                    except Exception:
                        pass
                    _tests_run += 1
            elif isinstance(value, type) and issubclass(value, unittest.TestCase):
                suite = unittest.defaultTestLoader.loadTestsFromTestCase(value)
                outcome = suite.run(unittest.TestResult())
                _tests_run += outcome.testsRun


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
            runner = "pytest"
            status = pytest.main(["-q", "-x", "-p", "no:cacheprovider", "--no-header"] + paths, plugins=[_PytestProgress()])
            meaning = {0: "all tests passed", 1: "a test failed (recording stops at the first failure)", 2: "interrupted: a test file could not be collected (see above)",
                       4: "pytest usage error", 5: "no tests were collected"}.get(int(status), "")
        else:
            runner = "built-in (pytest is not installed for %s: `%s -m pip install pytest` records from every kind of test)" % (sys.executable, sys.executable)
            status, meaning = None, ""
            _plain_runner(paths)
    finally:
        sys.setprofile(None)
    _progress(final=True)
    report = ["runner: " + runner]
    if status is not None:
        report.append("pytest exit status: %s%s" % (int(status), " (%s)" % meaning if meaning else ""))
    report.append("calls of `%s` seen: %d; recorded: %d distinct" % (QUALNAME, calls_seen, len(recorded)))
    report += ["not recorded (%d call%s): %s" % (n, "" if n == 1 else "s", reason) for reason, n in sorted(not_recorded.items(), key=lambda kv: -kv[1])[:3]]
    report += ["test file not importable: %s: %s" % item for item in unimportable[:5]]
    if calls_seen == 0:
        report.append("no test called `%s` (tests searched: %s)" % (QUALNAME, ", ".join(paths) or "none found"))
    if by_code:
        report.append("%d recorded call%s pass lambdas or local functions: they are replayed from their compiled code" % (by_code, "" if by_code == 1 else "s"))
    with open(os.path.join(os.path.dirname(SETTINGS["output"]), "recording.txt"), "w") as handle:
        handle.write("\n".join(report) + "\n")
    calls = [pickle.loads(blob) for blob in recorded]
    with open(SETTINGS["output"] + ".tmp", "wb") as handle:
        handle.write(_dumps_with_code(calls)[0])
    os.replace(SETTINGS["output"] + ".tmp", SETTINGS["output"])
    sys.stdout.write("recorded %d distinct calls\n" % len(calls))


main()
