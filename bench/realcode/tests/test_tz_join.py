"""Pytest test for corpus entry `tz_join` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from toolz.itertoolz import join


def test_join_orders_with_customers():
    rng = random.Random(13)
    customers = [(i, "name%d" % i) for i in range(5000)]
    orders = [(rng.randrange(6000), rng.randrange(100)) for _ in range(20000)]
    out = list(join(lambda c: c[0], customers, lambda o: o[0], orders))
    assert all(c[0] == o[0] for c, o in out)
    assert len(out) == sum(1 for o in orders if o[0] < 5000)
