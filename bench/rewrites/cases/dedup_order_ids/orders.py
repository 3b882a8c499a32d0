"""Helpers for the order export."""


def unique_order_ids(order_ids: list[int]) -> list[int]:
    """The order ids in first-seen order, each once (an order appears once per line item)."""
    unique = []
    for oid in order_ids:
        if oid not in unique:
            unique.append(oid)
    return unique
