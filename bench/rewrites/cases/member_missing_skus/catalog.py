"""Checks a purchase order against the catalog."""


def missing_skus(catalog: list[str], requested: list[str]) -> list[str]:
    """Requested SKUs the catalog does not carry (repeats kept, so the buyer sees every line)."""
    return [sku for sku in requested if sku not in catalog]
