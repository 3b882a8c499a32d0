"""Pytest test for corpus entry `bo_parse_int_list` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from boltons.strutils import parse_int_list


def test_parse_int_list_long_ranges():
    rng = random.Random(9)
    parts, start = [], 1
    for _ in range(2000):
        length = rng.randrange(1, 8)
        parts.append(str(start) if length == 1 else "%d-%d" % (start, start + length - 1))
        start += length + rng.randrange(1, 4)
    out = parse_int_list(",".join(parts))
    assert out == sorted(out) and len(out) == len(set(out))
