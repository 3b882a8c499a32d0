"""Fresh, distinct inputs for `pp_collapse_ranges`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(([chr(c) for c in rng.sample(range(0x20, 0x3000), 6000)],), {}) for _ in range(3)]
