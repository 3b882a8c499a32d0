import random

from visitors import first_visits


def test_first_visits_unique():
    rng = random.Random(127)
    hits = [(f"/p/{rng.randrange(200)}", rng.randrange(5_000)) for _ in range(120_000)]
    got = first_visits(hits)
    assert len(got) == len(set(hits))
    assert got[0] == hits[0]
