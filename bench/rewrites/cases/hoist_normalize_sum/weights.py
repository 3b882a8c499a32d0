"""Portfolio weights."""


def normalized_weights(positions: list[float]) -> list[float]:
    """Each position's share of the total, and the share of an equal split, as (share, share - 1/n)."""
    return [(p / sum(positions), p / sum(positions) - 1 / len(positions)) for p in positions]
