import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    queue = [f"track-{rng.randrange(6_000)}" for _ in range(8_000)]
    requested = rng.sample(queue, 1_500)
    return [((queue, requested), {})]
