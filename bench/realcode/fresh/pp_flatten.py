"""Fresh, distinct inputs for `pp_flatten`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def nested(rng, depth):
    if depth == 0:
        return "t%d" % rng.randrange(1000)
    return [nested(rng, depth - 1) for _ in range(rng.randrange(2, 5))]


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(([nested(rng, 5) for _ in range(15)],), {}) for _ in range(3)]
