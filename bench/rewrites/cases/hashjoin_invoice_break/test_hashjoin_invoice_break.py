import random

from billing.invoice import Line, Product, invoice_total


def make_invoice(rng, n_lines, n_products):
    products = [Product(f"P{i:05d}", round(rng.uniform(1, 200), 2), rng.choice([0.07, 0.19])) for i in range(n_products)]
    lines = [Line(f"P{rng.randrange(n_products + 100):05d}", rng.randrange(1, 10)) for _ in range(n_lines)]
    return lines, products


def test_total_matches_dict_lookup():
    lines, products = make_invoice(random.Random(29), 1_500, 2_000)
    first = {}
    for p in products:
        first.setdefault(p.sku, p)
    expected = sum(l.qty * first[l.sku].price * (1 + first[l.sku].vat) for l in lines if l.sku in first)
    assert abs(invoice_total(lines, products) - round(expected, 2)) < 0.05
