import math
import random

from levels import relative_levels


def test_loudest_is_one_hundred():
    rng = random.Random(43)
    samples = [math.sin(i / 10) * rng.uniform(0.2, 1.0) for i in range(1_000)]
    levels = relative_levels(samples)
    assert max(levels) == 100.0
    assert all(0.0 <= v <= 100.0 for v in levels)
