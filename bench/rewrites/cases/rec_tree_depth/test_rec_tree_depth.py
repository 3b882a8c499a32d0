import random

from menus import menu_depth


def make_menu(rng, depth):
    if depth == 0:
        return f"entry-{rng.randrange(10**6)}"
    return [make_menu(rng, depth - 1) if rng.random() < 0.8 else "leaf" for _ in range(rng.randrange(2, 6))]


def test_depth_of_generated_menu():
    assert menu_depth(["a", ["b", ["c"]], "d"]) == 3
    menu = make_menu(random.Random(97), 12)
    assert 1 <= menu_depth(menu) <= 12
