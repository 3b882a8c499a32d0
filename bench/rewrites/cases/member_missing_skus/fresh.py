import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    catalog = [f"SKU-{i:06d}" for i in rng.sample(range(100_000), 5_000)]
    requested = [f"SKU-{rng.randrange(100_000):06d}" for _ in range(2_000)]
    return [((catalog, requested), {})]
