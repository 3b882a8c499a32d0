"""Picks the contacts to import from the old CRM's export (rows: (contact_id, email, status, opted_out))."""


def importable_ids(rows):
    """Contact ids of active contacts that have not opted out, in export order."""
    ids = []
    for row in rows:
        if row[2] == "active" and not row[3]:
            ids.append(row[0])
    return ids
