import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    rows = [(i, f"user{i}@example.com", rng.choice(["active", "active", "bounced", "inactive"]), rng.random() < 0.1)
            for i in range(600_000)]
    return [((rows,), {})]
