import random

from flights import distinct_routes

AIRPORTS = ["AMS", "BCN", "CDG", "DUB", "FCO", "FRA", "LHR", "LIS", "MAD", "MUC", "OSL", "PRG", "VIE", "WAW", "ZRH"]


def make_legs(rng, n):
    legs = []
    for _ in range(n):
        a, b = rng.sample(AIRPORTS, 2)
        legs.append((a + str(rng.randrange(10)), b + str(rng.randrange(10))))
    return legs


def test_routes_unique_with_labels():
    legs = make_legs(random.Random(2), 3_500)
    routes, labels = distinct_routes(legs)
    assert len(routes) == len(set(legs))
    assert routes[0] == legs[0]
    assert labels[0] == f"{legs[0][0]}-{legs[0][1]}"
