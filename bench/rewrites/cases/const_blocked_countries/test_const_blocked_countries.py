import random

from signup import SignupScreen

OPEN = ["US", "CA", "GB", "DE", "FR", "NL", "SE", "NO", "DK", "FI", "IE", "ES", "PT", "IT", "AT", "CH", "BE", "PL",
        "CZ", "JP", "KR", "AU", "NZ", "SG", "BR", "MX", "AR", "CL", "ZA", "IN"]


def make_signups(rng, n):
    def country():
        return "ZW" if rng.random() < 0.03 else rng.choice(OPEN)
    return [{"id": i, "country": country(), "billing_country": country(), "risk": rng.random()} for i in range(n)]


def test_screen_partitions_every_signup():
    signups = make_signups(random.Random(6), 25_000)
    accepted, rejected, review = SignupScreen(0.9).screen(signups)
    assert len(accepted) + len(rejected) + len(review) == len(signups)
    assert rejected and review and accepted
