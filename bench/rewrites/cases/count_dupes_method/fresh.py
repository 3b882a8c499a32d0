import random

from inventory import Inventory


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [((Inventory([f"A{rng.randrange(9_000):05d}" for _ in range(3_000)]),), {})]
