import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    actions = ["login", "logout", "export", "delete", "share"]
    events = [{"user_id": rng.randrange(50_000), "action": rng.choice(actions), "ts": i} for i in range(20_000)]
    watched = rng.sample(range(50_000), 400)
    return [((events, watched), {})]
