"""Pytest test for corpus entry `pp_flatten` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from pyparsing.util import _flatten


def nested(rng, depth):
    if depth == 0:
        return "t%d" % rng.randrange(1000)
    return [nested(rng, depth - 1) for _ in range(rng.randrange(2, 5))]


def test_flatten_parse_results_like_lists():
    rng = random.Random(26)
    data = [nested(rng, 5) for _ in range(15)]
    out = _flatten(data)
    assert all(isinstance(x, str) for x in out) and len(out) > 1000
