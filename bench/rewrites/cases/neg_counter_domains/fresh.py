import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    domains = ["gmail.com", "Yahoo.com", "outlook.com", "proton.me"] + [f"corp{i}.example" for i in range(3_000)]
    return [(([f"user{i}@{rng.choice(domains)}" for i in range(150_000)],), {"k": 10})]
