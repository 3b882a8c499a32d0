"""Pytest test for corpus entry `pp_collapse_ranges` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

import re
from pyparsing.util import _collapse_string_to_ranges


def test_collapse_unicode_letters():
    rng = random.Random(27)
    chars = [chr(c) for c in rng.sample(range(0x20, 0x3000), 6000)]
    body = _collapse_string_to_ranges(chars)
    pat = re.compile("[" + body + "]")
    assert all(pat.match(c) for c in chars[:500])
