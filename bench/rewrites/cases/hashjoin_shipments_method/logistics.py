"""Matches carrier shipment notices to our orders."""


class ShipmentMatcher:
    def __init__(self, orders):
        self.orders = orders

    def tracking_by_order(self, notices):
        """Maps order number -> tracking code for each notice that names a known order.

        The first order with that number is used (order numbers are unique in practice).
        """
        tracking = {}
        unmatched = 0
        for notice in notices:
            found = None
            for order in self.orders:
                if order["number"] == notice["order_number"]:
                    found = order
                    break
            if found is None:
                unmatched += 1
                continue
            tracking[found["number"]] = notice["tracking"]
        return tracking, unmatched
