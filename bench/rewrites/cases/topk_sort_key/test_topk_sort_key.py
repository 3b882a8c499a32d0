import random

from crm.dashboard import Account, SalesDashboard


def test_top_customers_by_revenue():
    rng = random.Random(19)
    accounts = [Account(f"acct-{i}", rng.choice("NESW"), round(rng.uniform(0, 50_000), -1)) for i in range(40_000)]
    top = SalesDashboard(accounts).top_customers()
    expected = [a.name for a in sorted(accounts, key=lambda a: a.revenue, reverse=True)[:25]]
    assert top == expected
