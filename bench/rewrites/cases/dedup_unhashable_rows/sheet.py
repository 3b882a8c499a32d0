"""Cleaning of spreadsheet rows pasted in by the sales team."""


def drop_duplicate_rows(rows):
    """Rows are lists ([customer, product, qty]); keep the first copy of each identical row."""
    kept = []
    for row in rows:
        if row not in kept:
            kept.append(row)
    return kept
