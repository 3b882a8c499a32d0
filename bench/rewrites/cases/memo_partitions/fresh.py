import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    n = rng.randrange(43, 47)
    return [((n, rng.randrange(n - 6, n + 1)), {})]
