"""Fresh, distinct inputs for `tz_merge_with`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def fresh_inputs(seed):
    rng = random.Random(seed)
    return [((sum,) + tuple({"k%d" % rng.randrange(3000): rng.randrange(10) for _ in range(500)} for _ in range(100)), {}) for _ in range(3)]
