import random

from signups import top_domains


def test_top_domains_counted():
    rng = random.Random(107)
    domains = ["gmail.com", "Yahoo.com", "outlook.com", "proton.me"] + [f"corp{i}.example" for i in range(3_000)]
    emails = [f"user{i}@{rng.choice(domains)}" for i in range(150_000)]
    top = top_domains(emails)
    assert len(top) == 10
    assert top[0][1] >= top[-1][1]
    assert sum(n for _, n in top) <= len(emails)
