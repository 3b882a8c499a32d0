import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    paths = ["/", "/login", "/api/v1/items", "/api/v1/cart", "/search?q=shoes"]
    lines = []
    for i in range(50_000):
        status = rng.choice([200, 200, 200, 304, 404, 500, 503])
        lines.append(f'10.0.0.{i % 250} - - [01/May/2024:10:00:{i % 60:02d} +0000] "GET {rng.choice(paths)} HTTP/1.1" '
                     f'{status} {rng.randrange(100, 9000)} {int(rng.expovariate(1 / 300))}ms')
        if rng.random() < 0.01:
            lines.append("-- log rotated --")
    return [((lines,), {})]
