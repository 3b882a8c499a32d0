"""Pytest test for corpus entry `tz_merge_sorted` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from toolz.itertoolz import merge_sorted


def test_merge_sorted_runs_by_timestamp():
    rng = random.Random(14)
    runs = [sorted(((rng.random(), j) for j in range(2000))) for _ in range(16)]
    out = list(merge_sorted(*runs, key=lambda e: e[0]))
    assert len(out) == 32000
    assert all(out[i][0] <= out[i + 1][0] for i in range(len(out) - 1))
