import random

from exams.ranking import Cohort


def fresh_inputs(seed):
    rng = random.Random(seed)
    cohort = Cohort([rng.randrange(0, 801) for _ in range(3_000)])
    return [((cohort, [rng.randrange(0, 801) for _ in range(400)]), {})]
