"""Fresh, distinct inputs for `bo_format_int_list`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def fresh_inputs(seed):
    rng = random.Random(seed)
    return [((rng.sample(range(1, 60000), 20000),), {}) for _ in range(3)]
