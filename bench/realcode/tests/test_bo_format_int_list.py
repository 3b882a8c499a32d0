"""Pytest test for corpus entry `bo_format_int_list` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from boltons.strutils import format_int_list, parse_int_list


def test_format_int_list_roundtrip():
    rng = random.Random(8)
    pages = rng.sample(range(1, 60000), 20000)
    text = format_int_list(pages)
    assert parse_int_list(text) == sorted(pages)
