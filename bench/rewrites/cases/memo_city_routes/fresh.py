import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    east = rng.randrange(10, 12)
    north = 21 - east
    closed = frozenset((rng.randrange(1, east), rng.randrange(1, north)) for _ in range(3))
    return [((east, north, closed), {})]
