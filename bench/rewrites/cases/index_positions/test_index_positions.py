import random

from playlist import queue_positions


def test_positions_point_at_the_track():
    rng = random.Random(67)
    queue = [f"track-{rng.randrange(6_000)}" for _ in range(8_000)]
    requested = rng.sample(queue, 1_500)
    pos = queue_positions(queue, requested)
    assert all(queue[p - 1] == t for p, t in zip(pos, requested))
    assert all(t not in queue[: p - 1] for p, t in list(zip(pos, requested))[:20])
