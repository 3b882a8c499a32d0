import random

from grading import PercentileBoard


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [((PercentileBoard(), [rng.randrange(0, 1000) for _ in range(5_000)]), {})]


def observe(result, args, kwargs):
    return result, args[0].finished
