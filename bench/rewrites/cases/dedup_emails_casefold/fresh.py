import random

from mailing import MailingList


def fresh_inputs(seed):
    rng = random.Random(seed)
    names = [f"user{i}@example.org" for i in range(2_500)]
    raw = []
    for _ in range(5_000):
        name = rng.choice(names)
        raw.append("".join(c.upper() if rng.random() < 0.2 else c for c in name))
    return [((MailingList(raw),), {})]
