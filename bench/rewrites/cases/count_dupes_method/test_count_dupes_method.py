import random

from inventory import Inventory


def test_duplicates_listed_per_bin():
    rng = random.Random(71)
    labels = [f"A{rng.randrange(9_000):05d}" for _ in range(3_000)]
    dupes, n = Inventory(labels).duplicated_labels()
    assert n == len(dupes)
    assert all(labels.count(d) > 1 for d in set(dupes))
