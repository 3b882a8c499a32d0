"""Navigation menus are stored as nested lists: a list is a submenu, a string is an entry."""


def menu_depth(menu):
    """How many submenu levels deep the menu goes (a flat list of entries has depth 1)."""
    if not isinstance(menu, list):
        return 0
    deepest = 0
    for item in menu:
        d = menu_depth(item)
        if d > deepest:
            deepest = d
    return deepest + 1
