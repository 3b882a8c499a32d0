import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    customers = [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(4_000)]
    on_call = [f"eng{rng.randrange(10_000)}@ops.example.com" for _ in range(120)]
    return [((customers, on_call, {"severity": "major", "title": "API latency"}), {})]
