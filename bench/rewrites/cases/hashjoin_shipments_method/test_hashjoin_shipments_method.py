import random

from logistics import ShipmentMatcher


def make_data(rng, n_orders, n_notices):
    orders = [{"number": f"SO-{i:06d}", "customer": f"c{rng.randrange(900)}"} for i in rng.sample(range(100_000), n_orders)]
    known = [o["number"] for o in orders]
    notices = []
    for k in range(n_notices):
        number = rng.choice(known) if rng.random() < 0.9 else f"SO-{rng.randrange(100_000, 200_000):06d}"
        notices.append({"order_number": number, "tracking": f"1Z{k:010d}"})
    return orders, notices


def test_notices_matched():
    orders, notices = make_data(random.Random(37), 2_500, 1_200)
    tracking, unmatched = ShipmentMatcher(orders).tracking_by_order(notices)
    assert unmatched > 0
    assert set(tracking) <= {o["number"] for o in orders}
