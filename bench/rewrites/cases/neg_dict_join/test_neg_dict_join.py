import random

from enrich import clicks_per_channel


def test_every_click_counted():
    rng = random.Random(109)
    campaigns = [{"id": i, "channel": rng.choice(["email", "search", "social", "display"])} for i in range(5_000)]
    clicks = [{"campaign_id": rng.randrange(5_200), "ts": t} for t in range(250_000)]
    totals = clicks_per_channel(clicks, campaigns)
    assert sum(totals.values()) == len(clicks)
    assert "unknown" in totals
