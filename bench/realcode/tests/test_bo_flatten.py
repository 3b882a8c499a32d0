"""Pytest test for corpus entry `bo_flatten` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from boltons.iterutils import flatten


def nested(rng, depth):
    if depth == 0:
        return rng.randrange(1000)
    return [nested(rng, depth - 1) for _ in range(rng.randrange(2, 5))]


def test_flatten_nested_lists():
    rng = random.Random(10)
    data = [nested(rng, 6) for _ in range(6)]
    out = flatten(data)
    assert all(isinstance(x, int) for x in out) and len(out) > 1000
