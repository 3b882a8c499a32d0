"""Fresh, distinct inputs for `bo_remap`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def doc(rng, depth):
    if depth == 0:
        return rng.choice([rng.randrange(100), "v%d" % rng.randrange(100), None])
    return {"k%d" % i: doc(rng, depth - 1) for i in range(rng.randrange(2, 5))}


def _drop_none(p, k, v):
    return v is not None


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(({"items": [doc(rng, 4) for _ in range(20)]},), {"visit": _drop_none}) for _ in range(3)]
