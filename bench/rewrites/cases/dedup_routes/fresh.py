import random

AIRPORTS = ["AMS", "BCN", "CDG", "DUB", "FCO", "FRA", "LHR", "LIS", "MAD", "MUC", "OSL", "PRG", "VIE", "WAW", "ZRH"]


def fresh_inputs(seed):
    rng = random.Random(seed)
    legs = []
    for _ in range(3_500):
        a, b = rng.sample(AIRPORTS, 2)
        legs.append((a + str(rng.randrange(10)), b + str(rng.randrange(10))))
    return [((legs,), {})]
