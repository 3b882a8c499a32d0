import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    plays = [{"player": f"p{rng.randrange(500)}", "score": rng.randrange(1_000_000)} for _ in range(120_000)]
    return [((plays,), {"k": 10})]
