"""Replays a day's orders against the morning stock levels (stock: tuple of units per item index)."""


def apply_orders(stock: tuple, orders: tuple) -> tuple:
    """Stock levels after fulfilling the orders in sequence; an order larger than the stock is skipped."""
    if not orders:
        return stock
    item, qty = orders[0]
    if stock[item] >= qty:
        stock = stock[:item] + (stock[item] - qty,) + stock[item + 1:]
    return apply_orders(stock, orders[1:])
