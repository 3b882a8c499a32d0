import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    campaigns = [{"id": i, "channel": rng.choice(["email", "search", "social", "display"])} for i in range(5_000)]
    clicks = [{"campaign_id": rng.randrange(5_200), "ts": t} for t in range(250_000)]
    return [((clicks, campaigns), {})]
