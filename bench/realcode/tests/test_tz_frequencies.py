"""Pytest test for corpus entry `tz_frequencies` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from collections import Counter
from toolz.itertoolz import frequencies


def test_frequencies_of_words():
    rng = random.Random(12)
    words = ["w%d" % int(rng.paretovariate(1.2)) for _ in range(100000)]
    assert frequencies(words) == dict(Counter(words))
