import random

from stock import apply_orders


def test_stock_never_negative_and_decreases():
    rng = random.Random(103)
    stock = tuple(rng.randrange(0, 40) for _ in range(2_500))
    orders = tuple((rng.randrange(2_500), rng.randrange(1, 6)) for _ in range(800))
    after = apply_orders(stock, orders)
    assert len(after) == len(stock)
    assert all(0 <= a <= s for a, s in zip(after, stock))
    assert sum(after) < sum(stock)
