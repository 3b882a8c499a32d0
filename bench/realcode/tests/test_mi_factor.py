"""Pytest test for corpus entry `mi_factor` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

import math
from more_itertools.recipes import factor


def test_factor_twelve_digit_numbers():
    rng = random.Random(5)
    for _ in range(3):
        n = rng.randrange(10**11, 10**12)
        fs = list(factor(n))
        assert math.prod(fs) == n
        assert fs == sorted(fs)
