import random

from reports import sales_report


def make_sales(rng, n):
    regions = ["north", "south", "east", "west", "central"]
    return [{"region": rng.choice(regions), "rep": f"rep{rng.randrange(300):03d}", "amount": rng.uniform(5, 5000)}
            for _ in range(n)]


def test_report_has_one_line_per_sale():
    sales = make_sales(random.Random(7), 5000)
    text = sales_report(sales)
    lines = text.splitlines()
    assert lines[0] == "region,rep,amount"
    assert len(lines) == len(sales) + 1
    assert lines[1].startswith(sales[0]["region"] + ",")
