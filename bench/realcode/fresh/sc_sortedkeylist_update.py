"""Fresh, distinct inputs for `sc_sortedkeylist_update`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

from sortedcontainers import SortedKeyList


def _second(r):
    return r[1]


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [((SortedKeyList(key=_second), [("id%d" % i, rng.randrange(10**6)) for i in range(40000)]), {}) for _ in range(3)]


def observe(result, args, kwargs):
    return result, list(args[0])
