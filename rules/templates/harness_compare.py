# ---------------------------------------------------------------------------
# Comparison (weco-lsp template `harness_compare`): the first difference between
# the baseline's and the candidate's results, structurally (classes by qualified
# name, objects by public state, cycles cut, floats with tolerance).
# ---------------------------------------------------------------------------
import math
import numbers
import sys


REL_TOL = 1e-6
ABS_TOL = 1e-9


def _numpy():
    return sys.modules.get("numpy")


def _copy_label(module_name):
    """A module's name without the harness's copy suffix (`pkg._weco_baseline` -> `pkg.<copy>`)."""
    head, _, last = (module_name or "").rpartition(".")
    return (head + ".<copy>") if last.startswith("_weco_") else module_name


def _same_type(expected, actual):
    """The same class, or the same class of two copies of the module (same qualified name)."""
    e, a = type(expected), type(actual)
    return e is a or (e.__qualname__ == a.__qualname__ and _copy_label(e.__module__) == _copy_label(a.__module__))


def _public_state(value):
    """An object's attributes, from `__dict__` and `__slots__`, without the private ones (`_cache`,
    `__lazy`): what callers can observe. None for objects that have neither."""
    state = {}
    found = False
    if hasattr(value, "__dict__"):
        found = True
        state.update(vars(value))
    for klass in type(value).__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            found = True
            if name not in ("__dict__", "__weakref__") and hasattr(value, name):
                state[name] = getattr(value, name)
    if not found:
        return None
    return {k: v for k, v in state.items() if not k.startswith("_")}


# Pairs of objects being compared: a structure that points back to itself (a token's parent, a graph
# node's neighbours) is equal on the way round when it is equal everywhere else.
_COMPARING = set()
# Pairs found equal during the current comparison: a tree reached from every leaf (tokens and their
# parents) is then compared once, not once per leaf. Emptied before each input's comparison.
_KNOWN_EQUAL = set()


def difference(expected, actual, path="result"):
    """Prose describing the first difference between two values, or None when they match."""
    np = _numpy()
    if np is not None and (isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray)):
        if not (isinstance(expected, np.ndarray) and isinstance(actual, np.ndarray)):
            return f"{path} should be a {type(expected).__name__} but is a {type(actual).__name__}"
        if expected.shape != actual.shape:
            return f"{path} has shape {actual.shape} instead of {expected.shape}"
        if expected.dtype.kind in "fc" or actual.dtype.kind in "fc":
            if not np.allclose(expected, actual, rtol=REL_TOL, atol=ABS_TOL, equal_nan=True):
                return f"{path} differs by up to {float(np.nanmax(np.abs(expected - actual))):.3g}"
            return None
        if not np.array_equal(expected, actual):
            return f"{path} has different elements"
        return None
    if isinstance(expected, bool) or isinstance(actual, bool):
        if type(expected) is not type(actual) or expected != actual:
            return f"{path} should be {expected!r} but is {actual!r}"
        return None
    if isinstance(expected, numbers.Real) and isinstance(actual, numbers.Real):
        if isinstance(expected, numbers.Integral) and isinstance(actual, numbers.Integral):
            return None if expected == actual else f"{path} should be {expected!r} but is {actual!r}"
        e, a = float(expected), float(actual)
        if math.isnan(e) and math.isnan(a):
            return None
        if math.isclose(e, a, rel_tol=REL_TOL, abs_tol=ABS_TOL):
            return None
        return f"{path} should be {expected!r} but is {actual!r} (beyond relative tolerance {REL_TOL})"
    if isinstance(expected, numbers.Complex) and isinstance(actual, numbers.Complex):
        ok = abs(expected - actual) <= max(REL_TOL * max(abs(expected), abs(actual)), ABS_TOL)
        return None if ok else f"{path} should be {expected!r} but is {actual!r}"
    if not _same_type(expected, actual):
        return f"{path} should be a {type(expected).__qualname__} but is a {type(actual).__qualname__}"
    if isinstance(expected, (list, tuple)):
        if len(expected) != len(actual):
            return f"{path} has {len(actual)} items instead of {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            found = difference(e, a, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, dict):
        if set(expected) != set(actual):
            missing = [k for k in expected if k not in actual][:3]
            extra = [k for k in actual if k not in expected][:3]
            return f"{path} has different keys (missing {missing}, unexpected {extra})"
        for key in expected:
            found = difference(expected[key], actual[key], f"{path}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(expected, (str, bytes, set, frozenset)):
        return None if expected == actual else f"{path} should be {_short(expected)} but is {_short(actual)}"
    try:
        if expected == actual:
            return None
    except Exception:
        pass
    e_state, a_state = _public_state(expected), _public_state(actual)
    if e_state is not None and a_state is not None:
        pair = (id(expected), id(actual))
        if pair in _COMPARING or pair in _KNOWN_EQUAL:
            return None
        _COMPARING.add(pair)
        try:
            found = difference(e_state, a_state, path)
        finally:
            _COMPARING.discard(pair)
        if found is None:
            _KNOWN_EQUAL.add(pair)
        return found
    return f"{path} should be {_short(expected)} but is {_short(actual)}"


def _short(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
