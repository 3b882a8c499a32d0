import random

from shop.intake import DISCONTINUED, orderable_lines


def make_lines(rng, n):
    pool = [f"SKU-{i:05d}" for i in range(1, 100_000)]
    lines = []
    for i in range(n):
        sku = rng.choice(DISCONTINUED) if rng.random() < 0.05 else rng.choice(pool)
        lines.append({"order": i // 4, "sku": sku, "qty": rng.randrange(1, 5)})
    return lines


def test_discontinued_lines_dropped():
    lines = make_lines(random.Random(31), 20_000)
    kept, dropped = orderable_lines(lines)
    assert dropped + len(kept) == len(lines)
    assert dropped > 0
    assert not any(line["sku"] in set(DISCONTINUED) for line in kept)
