import random

from grading import PercentileBoard


def test_percentiles_in_range():
    rng = random.Random(44)
    scores = [rng.randrange(0, 1000) for _ in range(5_000)]
    board = PercentileBoard()
    got = board.percentiles(scores)
    assert len(got) == len(scores)
    assert got[0] == 0.0
    assert all(0.0 <= p <= 100.0 for p in got)
    assert board.finished == scores
