import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    offers = {f"prod{p}": [{"supplier": f"s{rng.randrange(300)}", "price": round(rng.uniform(1, 20), 1)} for _ in range(1_000)]
              for p in range(150)}
    return [((offers,), {})]
