import random

from latency import latency_summary


def make_log(rng, n):
    paths = ["/api/orders", "/api/users", "/health", "/api/search", "/static/app.js"]
    lines = []
    for i in range(n):
        if rng.random() < 0.1:
            lines.append(f"2024-05-01T10:00:{i % 60:02d} WARN cache miss")
        else:
            lines.append(f"2024-05-01T10:00:{i % 60:02d} GET {rng.choice(paths)} 200 took={rng.expovariate(1 / 40):.1f}ms")
    return lines


def test_percentiles_ordered():
    s = latency_summary(make_log(random.Random(1), 10_000))
    assert s["count"] > 8_000
    assert s["p50"] <= s["p95"] <= s["p99"]
