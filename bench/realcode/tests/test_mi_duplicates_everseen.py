"""Pytest test for corpus entry `mi_duplicates_everseen` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from more_itertools.more import duplicates_everseen


def test_duplicates_everseen_on_unhashable_rows():
    rng = random.Random(2)
    rows = [[rng.randrange(500), "x"] for _ in range(3000)]
    dups = list(duplicates_everseen(rows))
    assert len(dups) == len(rows) - len({tuple(r) for r in rows})
