"""Pytest test for corpus entry `bo_remap` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from boltons.iterutils import remap


def doc(rng, depth):
    if depth == 0:
        return rng.choice([rng.randrange(100), "v%d" % rng.randrange(100), None])
    return {"k%d" % i: doc(rng, depth - 1) for i in range(rng.randrange(2, 5))}


def test_remap_drops_nones():
    rng = random.Random(7)
    root = {"items": [doc(rng, 4) for _ in range(20)]}
    out = remap(root, visit=lambda p, k, v: v is not None)
    assert "None" not in repr(out)
