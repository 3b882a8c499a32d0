"""Pytest test for corpus entry `sc_sortedlist_irange` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from sortedcontainers import SortedList


def test_sortedlist_irange_scan():
    rng = random.Random(17)
    sl = SortedList(rng.randrange(10**6) for _ in range(100000))
    out = list(sl.irange(200000, 400000))
    assert out == [x for x in sl if 200000 <= x <= 400000]
