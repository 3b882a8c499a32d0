import random

from weights import normalized_weights


def test_shares_sum_to_one():
    rng = random.Random(41)
    positions = [rng.uniform(100, 10_000) for _ in range(2_500)]
    w = normalized_weights(positions)
    assert abs(sum(s for s, _ in w) - 1.0) < 1e-9
    assert abs(sum(d for _, d in w)) < 1e-9
