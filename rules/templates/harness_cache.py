# ---------------------------------------------------------------------------
# Caches across calls (weco-lsp template `harness_cache`): what a candidate keeps
# from one call to the next, so that it is timed on distinct inputs with its
# caches emptied, and named in the output.
# ---------------------------------------------------------------------------


def _caches_of(target):
    """Objects in the target's globals (and the target) that keep results across calls: functools caches
    (anything with `cache_clear`) by name, and module-level dicts by name."""
    function = target.unbound
    inner = getattr(function, "__wrapped__", function)
    namespace = getattr(inner, "__globals__", None) or vars(target.module)
    found = {name: value for name, value in list(namespace.items()) if callable(getattr(value, "cache_clear", None))}
    if callable(getattr(function, "cache_clear", None)):
        found[CONFIG["function"]] = function
    dicts = {name: value for name, value in list(namespace.items()) if type(value) is dict and not name.startswith("__")}
    return found, dicts


def _added_caches(base, cand):
    """What the candidate keeps across calls that the baseline does not: a cache makes repeated inputs
    cheap, which recorded inputs (a test calling the same thing again) reward and real use may not.
    Returns None, or (clear the candidate's caches, a description)."""
    base_caches, base_dicts = _caches_of(base)
    cand_caches, cand_dicts = _caches_of(cand)
    caches = {n: c for n, c in cand_caches.items() if n not in base_caches or c is not base_caches[n] and n == CONFIG["function"]}
    dicts = {n: d for n, d in cand_dicts.items() if n not in base_dicts}
    if not caches and not dicts:
        return None

    def clear():
        for cache in caches.values():
            cache.cache_clear()
        for table in dicts.values():
            table.clear()

    def entries():
        total = sum(len(d) for d in dicts.values())
        for cache in caches.values():
            info = getattr(cache, "cache_info", None)
            total += info().currsize if callable(info) else 0
        return total

    names = sorted(caches) + sorted(dicts)
    return clear, entries, names


def _distinct(calls):
    """The inputs without repeats (by pickled value, else by repr)."""
    import pickle

    seen, out = set(), []
    for call in calls:
        try:
            key = pickle.dumps(call)
        except Exception:
            key = repr(call)
        if key not in seen:
            seen.add(key)
            out.append(call)
    return out
