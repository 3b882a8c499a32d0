from taxonomy import categories_breadth_first


def make_taxonomy(width, leaves):
    children = {"all": [f"dept{i}" for i in range(width)]}
    for i in range(width):
        children[f"dept{i}"] = [f"dept{i}/cat{j}" for j in range(leaves)]
    return children


def test_level_order():
    tree = make_taxonomy(40, 800)
    order = categories_breadth_first(tree, "all")
    assert order[0] == ("all", 0)
    assert len(order) == 1 + 40 + 40 * 800
    assert [d for _, d in order] == sorted(d for _, d in order)
