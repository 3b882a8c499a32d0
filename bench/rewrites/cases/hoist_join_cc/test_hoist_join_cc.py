import random

from notify import outage_messages


def test_every_customer_notified_with_cc():
    rng = random.Random(59)
    customers = [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(4_000)]
    on_call = [f"eng{rng.randrange(10_000)}@ops.example.com" for _ in range(120)]
    msgs = outage_messages(customers, on_call, {"severity": "major", "title": "API latency"})
    assert len(msgs) == len(customers)
    assert msgs[0]["cc"] == msgs[-1]["cc"] and msgs[0]["cc"].count(";") == 119
