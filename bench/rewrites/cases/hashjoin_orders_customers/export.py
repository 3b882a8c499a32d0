"""CSV export of orders with the customer's name and country."""


def orders_with_customers(orders, customers):
    """One row (order id, customer name, country, total) per order whose customer exists.

    Customers can appear more than once in the CRM dump (one row per address); every match is exported.
    """
    rows = []
    for order in orders:
        for customer in customers:
            if order["customer_id"] == customer["id"]:
                rows.append((order["id"], customer["name"], customer["country"], order["total"]))
    return rows
