import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    rows = [[f"cust{rng.randrange(60)}", f"prod{rng.randrange(40)}", rng.randrange(1, 4)] for _ in range(4_000)]
    return [((rows,), {})]
