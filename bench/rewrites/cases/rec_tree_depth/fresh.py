import random


def fresh_inputs(seed):
    rng = random.Random(seed)

    def make_menu(depth):
        if depth == 0:
            return f"entry-{rng.randrange(10**6)}"
        return [make_menu(depth - 1) if rng.random() < 0.8 else "leaf" for _ in range(rng.randrange(2, 6))]
    return [((make_menu(12),), {})]
