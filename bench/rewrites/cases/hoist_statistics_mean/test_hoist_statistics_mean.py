import random

from quality import out_of_tolerance


def test_far_parts_flagged():
    rng = random.Random(47)
    parts = [rng.gauss(25.0, 0.05) for _ in range(400)]
    parts[100] = 26.0
    flagged = out_of_tolerance(parts, 0.12)
    assert 100 in flagged
    assert len(flagged) < 40
