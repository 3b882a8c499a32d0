import random

from mailing import MailingList


def make_addresses(rng, n):
    names = [f"user{i}@example.org" for i in range(2_500)]
    out = []
    for _ in range(n):
        name = rng.choice(names)
        out.append("".join(c.upper() if rng.random() < 0.2 else c for c in name))
    return out


def test_one_address_per_person():
    raw = make_addresses(random.Random(4), 5_000)
    subs = MailingList(raw).subscribers()
    assert len(subs) == len({a.lower() for a in raw})
    assert subs[0] == raw[0]
