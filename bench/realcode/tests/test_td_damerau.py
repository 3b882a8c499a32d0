"""Pytest test for corpus entry `td_damerau` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from textdistance.algorithms.edit_based import DamerauLevenshtein


def mutate(rng, s):
    s = list(s)
    for _ in range(len(s) // 5):
        i = rng.randrange(len(s))
        s[i] = rng.choice("abcdefghij")
    return "".join(s)


def test_pure_python_restricted_on_long_strings():
    rng = random.Random(19)
    a = "".join(rng.choice("abcdefghij") for _ in range(200))
    b = mutate(rng, a)
    alg = DamerauLevenshtein()
    d = alg._pure_python_restricted(a, b)
    assert 0 < d <= max(len(a), len(b))
    assert alg._pure_python_restricted(a, a) == 0
