import random
import statistics

from telemetry import running_medians


def test_running_median_matches_statistics():
    rng = random.Random(12)
    readings = [rng.gauss(20.0, 4.0) for _ in range(10_000)]
    med = running_medians(readings)
    assert len(med) == len(readings)
    assert med[0] == readings[0]
    assert med[-1] == statistics.median_high(readings)
