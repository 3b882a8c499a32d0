"""Fresh, distinct inputs for `mi_convolve`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(([rng.uniform(-1, 1) for _ in range(5000)], [0.2] * 5), {}) for _ in range(3)]
