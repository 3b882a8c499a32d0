"""Plain-text sales summaries for the nightly e-mail."""


def sales_report(sales):
    """One line per sale: region, rep, amount with two decimals."""
    report = "region,rep,amount\n"
    for sale in sales:
        report = report + sale["region"] + "," + sale["rep"] + "," + format(sale["amount"], ".2f") + "\n"
    return report
