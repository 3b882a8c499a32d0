"""Fresh, distinct inputs for `bo_redundant`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(([rng.randrange(20000) for _ in range(30000)],), {"groups": True}) for _ in range(3)]
