"""Pytest test for corpus entry `mi_collapse` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from more_itertools.more import collapse


def nested(rng, depth):
    if depth == 0:
        return rng.randrange(1000)
    return [nested(rng, depth - 1) for _ in range(rng.randrange(2, 5))]


def test_collapse_deep_document():
    rng = random.Random(3)
    doc = [nested(rng, 6) for _ in range(8)]
    flat = list(collapse(doc))
    assert len(flat) > 1000
    assert all(isinstance(x, int) for x in flat)
