"""Unique visitors per page, already done with a set of what was seen."""


def first_visits(hits):
    """(page, visitor) pairs of each visitor's first hit on a page, in log order."""
    seen = set()
    firsts = []
    for page, visitor in hits:
        key = (page, visitor)
        if key not in seen:
            seen.add(key)
            firsts.append(key)
    return firsts
