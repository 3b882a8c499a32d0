import random

from pricing import cheapest_offers


def make_offers(rng, n_products, per_product):
    return {f"prod{p}": [{"supplier": f"s{rng.randrange(300)}", "price": round(rng.uniform(1, 100), 2)} for _ in range(per_product)]
            for p in range(n_products)}


def test_low_high_best():
    offers = make_offers(random.Random(79), 150, 1_000)
    summary = cheapest_offers(offers)
    for product, (low, high, supplier) in summary.items():
        prices = [o["price"] for o in offers[product]]
        assert low == min(prices) and high == max(prices)
        assert any(o["supplier"] == supplier and o["price"] == low for o in offers[product])
