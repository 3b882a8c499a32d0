import random

from keywords import ticket_keywords

FILLER = ["the", "a", "please", "thanks", "is", "not", "my", "when", "i", "to", "and", "it", "hello", "team"]
TOPICS = ["invoice", "refund", "login", "password", "export", "csv", "timeout", "crash", "billing", "upgrade",
          "sso", "webhook", "latency", "quota", "dashboard", "mobile", "android", "ios", "printer", "vpn"]


def make_tickets(rng, n):
    return [" ".join(rng.choice(FILLER) if rng.random() < 0.6 else rng.choice(TOPICS) for _ in range(rng.randrange(20, 60)))
            for _ in range(n)]


def test_stopwords_not_counted():
    tickets = make_tickets(random.Random(3), 2_500)
    counts = ticket_keywords(tickets)
    assert "the" not in counts and "please" not in counts
    assert set(counts) <= set(TOPICS)
    assert max(counts.values()) <= len(tickets)
