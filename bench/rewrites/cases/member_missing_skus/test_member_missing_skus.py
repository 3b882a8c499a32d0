import random

from catalog import missing_skus


def test_missing_skus_reported_per_line():
    rng = random.Random(17)
    catalog = [f"SKU-{i:06d}" for i in rng.sample(range(100_000), 5_000)]
    requested = [f"SKU-{rng.randrange(100_000):06d}" for _ in range(2_000)]
    got = missing_skus(catalog, requested)
    carried = set(catalog)
    assert got == [s for s in requested if s not in carried]
