import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    paths = ["/api/orders", "/api/users", "/health", "/api/search", "/static/app.js"]
    lines = []
    for i in range(10_000):
        if rng.random() < 0.1:
            lines.append(f"2024-05-01T10:00:{i % 60:02d} WARN cache miss")
        else:
            lines.append(f"2024-05-01T10:00:{i % 60:02d} GET {rng.choice(paths)} 200 took={rng.expovariate(1 / 40):.1f}ms")
    return [((lines,), {})]
