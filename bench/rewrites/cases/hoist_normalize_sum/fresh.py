import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(([rng.uniform(100, 10_000) for _ in range(2_500)],), {})]
