"""Fresh, distinct inputs for `sc_sortedlist_update`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

from sortedcontainers import SortedList


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [((SortedList(rng.randrange(10**6) for _ in range(20000)), [rng.randrange(10**6) for _ in range(30000)]), {}) for _ in range(3)]


def observe(result, args, kwargs):
    return result, list(args[0])
