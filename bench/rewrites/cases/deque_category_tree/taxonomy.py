"""The shop's category taxonomy (a wide tree: thousands of leaf categories under a few parents)."""


def categories_breadth_first(children: dict[str, list[str]], root: str) -> list[tuple[str, int]]:
    """(category, depth) pairs, level by level, children in their listed order."""
    order = []
    queue = [(root, 0)]
    while queue:
        name, depth = queue.pop(0)
        order.append((name, depth))
        for child in children.get(name, []):
            queue.append((child, depth + 1))
    return order
