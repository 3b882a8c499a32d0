import random

from jobs.runner import Job, drain


def test_drain_handles_every_job():
    rng = random.Random(3)
    kinds = ["csv", "json", "xml", "parquet"]
    jobs = [Job(i, rng.choice(kinds), rng.randrange(1, 10_000)) for i in range(35_000)]
    handled = drain(jobs)
    assert sum(handled.values()) == sum(j.payload_size for j in jobs)
    assert set(handled) <= set(kinds)
