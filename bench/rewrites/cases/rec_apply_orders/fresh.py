import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    stock = tuple(rng.randrange(0, 40) for _ in range(2_500))
    orders = tuple((rng.randrange(2_500), rng.randrange(1, 6)) for _ in range(800))
    return [((stock, orders), {})]
