import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    users = [{"name": f"User <{i}> & co", "email": f"u{i}@example.com", "plan": rng.choice(["free", "pro", "team"])}
             for i in range(60_000)]
    return [((users,), {})]
