"""Pytest test for corpus entry `td_jaro_winkler` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from textdistance.algorithms.edit_based import JaroWinkler


def test_jaro_winkler_long_strings():
    rng = random.Random(20)
    a = "".join(rng.choice("abcdefghijklmnop") for _ in range(2000))
    b = a[:1500] + "".join(rng.choice("abcdefghijklmnop") for _ in range(500))
    jw = JaroWinkler(external=False)
    s = jw(a, b)
    assert 0.5 < s < 1.0
    assert jw(a, a) == 1.0
