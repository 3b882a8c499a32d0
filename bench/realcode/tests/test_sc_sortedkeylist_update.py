"""Pytest test for corpus entry `sc_sortedkeylist_update` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from sortedcontainers import SortedKeyList


def test_sortedkeylist_bulk_update_by_key():
    rng = random.Random(18)
    skl = SortedKeyList(key=lambda r: r[1])
    rows = [("id%d" % i, rng.randrange(10**6)) for i in range(40000)]
    skl.update(rows)
    keys = [r[1] for r in skl]
    assert keys == sorted(keys) and len(skl) == 40000
