import random

from sheet import drop_duplicate_rows


def make_rows(rng, n):
    return [[f"cust{rng.randrange(60)}", f"prod{rng.randrange(40)}", rng.randrange(1, 4)] for _ in range(n)]


def test_duplicates_dropped_first_copy_kept():
    rows = make_rows(random.Random(8), 4_000)
    kept = drop_duplicate_rows(rows)
    assert len(kept) == len({tuple(r) for r in rows})
    assert kept[0] == rows[0]
    assert all(isinstance(r, list) for r in kept)
