import random

from forms.validate import UploadValidator


def fresh_inputs(seed):
    rng = random.Random(seed)
    rows = []
    for i in range(25_000):
        rows.append({
            "username": rng.choice([f"user_{i}", f"U{i}", f"ab{i}", "x", f"j.doe{i}"]),
            "phone": rng.choice([f"+49 30 {rng.randrange(10**6, 10**7)}", "12", f"(030) {rng.randrange(10**5, 10**6)}"]),
            "postcode": rng.choice([f"{rng.randrange(10000, 99999)}", "SW1A 1AA", "??", "EC1 4AB"]),
        })
    return [((UploadValidator(["example.com"]), rows), {})]
