"""Pytest test for corpus entry `tz_unique` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from toolz.itertoolz import unique


def test_unique_records_by_email():
    rng = random.Random(11)
    recs = [{"email": "u%d@x.org" % rng.randrange(20000), "n": i} for i in range(40000)]
    out = list(unique(recs, key=lambda r: r["email"]))
    assert len(out) == len({r["email"] for r in recs})
