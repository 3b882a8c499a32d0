"""Fresh, distinct inputs for `tz_merge_sorted`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def _ts(e):
    return e[0]


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(tuple(sorted(((rng.random(), j) for j in range(2000))) for _ in range(16)), {"key": _ts}) for _ in range(3)]
