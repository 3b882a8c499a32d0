import random

from forms.validate import UploadValidator


def make_rows(rng, n):
    rows = []
    for i in range(n):
        rows.append({
            "username": rng.choice([f"user_{i}", f"U{i}", f"ab{i}", "x"]),
            "phone": rng.choice([f"+49 30 {rng.randrange(10**6, 10**7)}", "12", f"(030) {rng.randrange(10**5, 10**6)}"]),
            "postcode": rng.choice([f"{rng.randrange(10000, 99999)}", "SW1A 1AA", "??"]),
        })
    return rows


def test_bad_rows_found():
    rows = make_rows(random.Random(131), 25_000)
    bad = UploadValidator(["example.com"]).invalid_rows(rows)
    assert bad and bad == sorted(bad)
    assert len(bad) < len(rows)
