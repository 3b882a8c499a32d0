"""Outage notifications: one message per affected customer, the on-call list in copy."""


def outage_messages(customers, on_call, incident):
    """One message dict per customer; every message carries the same cc line and subject."""
    messages = []
    for c in customers:
        messages.append({
            "to": c["email"],
            "cc": "; ".join(sorted(on_call)),
            "subject": f"[{incident['severity'].upper()}] {incident['title']}",
            "body": f"Dear {c['name']}, we are investigating: {incident['title']}.",
        })
    return messages
