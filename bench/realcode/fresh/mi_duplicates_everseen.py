"""Fresh, distinct inputs for `mi_duplicates_everseen`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(([[rng.randrange(500), "x"] for _ in range(3000)],), {}) for _ in range(3)]
