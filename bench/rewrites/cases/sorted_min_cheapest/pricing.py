"""Price comparison across suppliers."""


def cheapest_offers(offers_by_product):
    """For each product: the lowest price, the highest price, and the supplier with the lowest price."""
    summary = {}
    for product, offers in offers_by_product.items():
        prices = [o["price"] for o in offers]
        low = sorted(prices)[0]
        high = sorted(prices)[-1]
        best = sorted(offers, key=lambda o: o["price"])[0]
        summary[product] = (low, high, best["supplier"])
    return summary
