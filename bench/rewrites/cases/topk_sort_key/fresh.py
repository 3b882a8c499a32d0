import random

from crm.dashboard import Account, SalesDashboard


def fresh_inputs(seed):
    rng = random.Random(seed)
    accounts = [Account(f"acct-{i}", rng.choice("NESW"), round(rng.uniform(0, 50_000), -1)) for i in range(40_000)]
    return [((SalesDashboard(accounts),), {"k": 25})]
