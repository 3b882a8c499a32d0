import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(({f"doc{i:06d}": round(rng.random(), 3) for i in range(400_000)},), {"k": 20})]
