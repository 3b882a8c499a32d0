import random

from exams.ranking import Cohort


def test_ranks_monotone_in_score():
    rng = random.Random(53)
    cohort = Cohort([rng.randrange(0, 801) for _ in range(3_000)])
    scores = sorted(rng.randrange(0, 801) for _ in range(400))
    ranks = cohort.percentile_ranks(scores)
    assert ranks == sorted(ranks)
    assert 0.0 <= ranks[0] and ranks[-1] <= 100.0
