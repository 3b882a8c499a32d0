import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    n_customers = 1_500
    customers = [{"id": i, "name": f"Customer {i}", "country": rng.choice(["DE", "FR", "NL", "US"])} for i in range(n_customers)]
    customers += [{"id": i, "name": f"Customer {i} (billing)", "country": "US"} for i in rng.sample(range(n_customers), 20)]
    rng.shuffle(customers)
    orders = [{"id": 10_000 + j, "customer_id": rng.randrange(n_customers + 50), "total": rng.randrange(5, 900)} for j in range(600)]
    return [((orders, customers), {})]
