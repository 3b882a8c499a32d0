import random

from crm_import import importable_ids


def make_rows(rng, n):
    return [(i, f"user{i}@example.com", rng.choice(["active", "active", "bounced", "inactive"]), rng.random() < 0.1)
            for i in range(n)]


def test_active_contacts_selected():
    rows = make_rows(random.Random(89), 600_000)
    ids = importable_ids(rows)
    assert ids == sorted(ids)
    assert len(ids) == sum(1 for r in rows if r[2] == "active" and not r[3])
