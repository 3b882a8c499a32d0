"""Pytest test for corpus entry `sc_sortedlist_update` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from sortedcontainers import SortedList


def test_sortedlist_bulk_update():
    rng = random.Random(16)
    sl = SortedList(rng.randrange(10**6) for _ in range(20000))
    values = [rng.randrange(10**6) for _ in range(30000)]
    sl.update(values)
    assert len(sl) == 50000
    assert list(sl) == sorted(sl)
