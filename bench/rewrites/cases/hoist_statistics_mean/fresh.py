import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    parts = [rng.gauss(25.0, 0.05) for _ in range(400)]
    parts[rng.randrange(400)] = 26.0
    return [((parts, 0.12), {})]
