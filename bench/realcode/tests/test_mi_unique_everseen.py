"""Pytest test for corpus entry `mi_unique_everseen` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from more_itertools.recipes import unique_everseen


def test_unique_everseen_on_unhashable_rows():
    rng = random.Random(1)
    rows = [[rng.randrange(400), rng.randrange(5)] for _ in range(3000)]
    out = list(unique_everseen(rows))
    assert len(out) == len({tuple(r) for r in rows})
    assert out[0] == rows[0]
