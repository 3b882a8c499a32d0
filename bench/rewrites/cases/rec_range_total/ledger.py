"""Ledger totals, summed pairwise (halves) to keep float rounding error small."""


def pairwise_total(amounts: tuple, lo: int = 0, hi: int = -1) -> float:
    """Sum of amounts[lo:hi] by recursive halving; each range is visited once."""
    if hi < 0:
        hi = len(amounts)
    if hi - lo <= 2:
        return sum(amounts[lo:hi])
    mid = (lo + hi) // 2
    return pairwise_total(amounts, lo, mid) + pairwise_total(amounts, mid, hi)
