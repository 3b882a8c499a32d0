import math
import random

from ledger import pairwise_total


def test_matches_fsum():
    rng = random.Random(101)
    amounts = tuple(round(rng.uniform(-500, 500), 2) for _ in range(150_000))
    assert abs(pairwise_total(amounts) - math.fsum(amounts)) < 1e-6
