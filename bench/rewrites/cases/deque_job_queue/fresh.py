import random

from jobs.runner import Job


def fresh_inputs(seed):
    rng = random.Random(seed)
    kinds = ["csv", "json", "xml", "parquet"]
    jobs = [Job(i, rng.choice(kinds), rng.randrange(1, 10_000)) for i in range(35_000)]
    return [((jobs,), {})]
