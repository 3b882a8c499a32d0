import random

from billing.invoice import Line, Product


def fresh_inputs(seed):
    rng = random.Random(seed)
    products = [Product(f"P{i:05d}", round(rng.uniform(1, 200), 2), rng.choice([0.07, 0.19])) for i in range(2_000)]
    products += [Product(p.sku, p.price * 2, p.vat) for p in rng.sample(products, 30)]
    rng.shuffle(products)
    lines = [Line(f"P{rng.randrange(2_100):05d}", rng.randrange(1, 10)) for _ in range(1_500)]
    return [((lines, products), {})]
