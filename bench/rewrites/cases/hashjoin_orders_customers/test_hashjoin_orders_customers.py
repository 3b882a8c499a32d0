import random

from export import orders_with_customers


def make_data(rng, n_orders, n_customers):
    customers = [{"id": i, "name": f"Customer {i}", "country": rng.choice(["DE", "FR", "NL", "US"])} for i in range(n_customers)]
    customers += [{"id": i, "name": f"Customer {i} (billing)", "country": "US"} for i in rng.sample(range(n_customers), 20)]
    orders = [{"id": 10_000 + j, "customer_id": rng.randrange(n_customers + 50), "total": rng.randrange(5, 900)} for j in range(n_orders)]
    return orders, customers


def test_every_match_exported():
    orders, customers = make_data(random.Random(23), 600, 1_500)
    rows = orders_with_customers(orders, customers)
    known = {c["id"] for c in customers}
    assert {r[0] for r in rows} == {o["id"] for o in orders if o["customer_id"] in known}
    assert len(rows) >= len({r[0] for r in rows})
