import random

from signup import SignupScreen

OPEN = ["US", "CA", "GB", "DE", "FR", "NL", "SE", "NO", "DK", "FI", "IE", "ES", "PT", "IT", "AT", "CH", "BE", "PL",
        "CZ", "JP", "KR", "AU", "NZ", "SG", "BR", "MX", "AR", "CL", "ZA", "IN"]


def fresh_inputs(seed):
    rng = random.Random(seed)

    def country():
        return "ZW" if rng.random() < 0.03 else rng.choice(OPEN)
    signups = [{"id": i, "country": country(), "billing_country": country(), "risk": rng.random()} for i in range(25_000)]
    return [((SignupScreen(0.9), signups), {})]
