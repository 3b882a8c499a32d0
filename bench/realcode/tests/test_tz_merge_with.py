"""Pytest test for corpus entry `tz_merge_with` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from toolz.dicttoolz import merge_with


def test_merge_with_sum_of_counters():
    rng = random.Random(15)
    dicts = [{"k%d" % rng.randrange(3000): rng.randrange(10) for _ in range(500)} for _ in range(100)]
    out = merge_with(sum, *dicts)
    assert sum(out.values()) == sum(sum(d.values()) for d in dicts)
