"""Pytest test for corpus entry `bo_redundant` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from boltons.iterutils import redundant


def test_redundant_groups_of_ids():
    rng = random.Random(6)
    ids = [rng.randrange(20000) for _ in range(30000)]
    groups = redundant(ids, groups=True)
    assert all(len(g) >= 2 and len(set(g)) == 1 for g in groups)
    assert sum(len(g) for g in groups) - len(groups) == len(ids) - len(set(ids))
