"""Pytest test for corpus entry `td_levenshtein` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from textdistance.algorithms.edit_based import Levenshtein


def mutate(rng, s):
    s = list(s)
    for _ in range(len(s) // 5):
        i = rng.randrange(len(s))
        s[i] = rng.choice("abcdefghij")
    return "".join(s)


def test_cycled_on_long_strings():
    rng = random.Random(19)
    a = "".join(rng.choice("abcdefghij") for _ in range(300))
    b = mutate(rng, a)
    alg = Levenshtein()
    d = alg._cycled(a, b)
    assert 0 < d <= max(len(a), len(b))
    assert alg._cycled(a, a) == 0
