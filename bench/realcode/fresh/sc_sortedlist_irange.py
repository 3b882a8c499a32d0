"""Fresh, distinct inputs for `sc_sortedlist_irange`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

from sortedcontainers import SortedList


def fresh_inputs(seed):
    rng = random.Random(seed)
    calls = []
    for _ in range(3):
        lo = rng.randrange(0, 500000)
        calls.append(((SortedList(rng.randrange(10**6) for _ in range(100000)), lo, lo + 200000), {}))
    return calls
