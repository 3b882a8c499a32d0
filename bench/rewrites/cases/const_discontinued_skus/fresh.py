import random

from shop.intake import DISCONTINUED


def fresh_inputs(seed):
    rng = random.Random(seed)
    pool = [f"SKU-{i:05d}" for i in range(1, 100_000)]
    lines = []
    for i in range(20_000):
        sku = rng.choice(DISCONTINUED) if rng.random() < 0.05 else rng.choice(pool)
        lines.append({"order": i // 4, "sku": sku, "qty": rng.randrange(1, 5)})
    return [((lines,), {})]
