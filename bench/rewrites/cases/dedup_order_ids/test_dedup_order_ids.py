import random

from orders import unique_order_ids


def test_each_order_once_in_first_seen_order():
    rng = random.Random(11)
    ids = [rng.randrange(100_000, 103_000) for _ in range(6_000)]
    got = unique_order_ids(ids)
    assert len(got) == len(set(ids))
    assert got[0] == ids[0]
    assert sorted(got, key=ids.index) == got
