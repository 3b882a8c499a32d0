"""Pytest test for corpus entry `td_lcsseq` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from textdistance.algorithms.sequence_based import LCSSeq


def test_lcsseq_dynamic():
    rng = random.Random(21)
    a = "".join(rng.choice("acgt") for _ in range(200))
    b = "".join(rng.choice("acgt") for _ in range(200))
    lcs = LCSSeq()._dynamic(a, b)
    it = iter(b)
    assert all(c in it for c in lcs)
    assert len(lcs) > 100
