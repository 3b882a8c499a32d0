import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(([(f"/p/{rng.randrange(200)}", rng.randrange(5_000)) for _ in range(120_000)],), {})]
