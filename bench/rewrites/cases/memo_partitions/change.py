"""Counting the ways to make an amount from coin denominations (every integer coin up to a limit)."""


def ways(amount, largest_coin):
    """Number of multisets of coins with values 1..largest_coin that sum to amount."""
    if amount == 0:
        return 1
    if amount < 0 or largest_coin == 0:
        return 0
    return ways(amount - largest_coin, largest_coin) + ways(amount, largest_coin - 1)
