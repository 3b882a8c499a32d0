"""Audio level meter."""


def relative_levels(samples):
    """Each sample's level relative to the loudest one, in percent, rounded to one decimal."""
    levels = []
    for s in samples:
        levels.append(round(100.0 * abs(s) / max(abs(x) for x in samples), 1))
    return levels
