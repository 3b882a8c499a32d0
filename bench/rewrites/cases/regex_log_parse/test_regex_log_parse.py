import random

from accesslog import slow_or_failed_requests


def make_lines(rng, n):
    paths = ["/", "/login", "/api/v1/items", "/api/v1/cart", "/search?q=shoes"]
    out = []
    for i in range(n):
        status = rng.choice([200, 200, 200, 304, 404, 500, 503])
        out.append(f'10.0.0.{i % 250} - - [01/May/2024:10:00:{i % 60:02d} +0000] "GET {rng.choice(paths)} HTTP/1.1" '
                   f'{status} {rng.randrange(100, 9000)} {int(rng.expovariate(1 / 300))}ms')
    return out


def test_failed_and_slow_found():
    hits = slow_or_failed_requests(make_lines(random.Random(83), 50_000))
    assert hits
    assert all(status >= 500 or ms > 1000 for _, status, ms in hits)
