"""Fresh, distinct inputs for `tz_frequencies`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def fresh_inputs(seed):
    rng = random.Random(seed)
    return [((["w%d" % int(rng.paretovariate(1.2)) for _ in range(100000)],), {}) for _ in range(3)]
