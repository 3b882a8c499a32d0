"""Enriches click events with the campaign they came from (already indexed by id)."""


def clicks_per_channel(clicks, campaigns):
    """Total clicks per marketing channel; clicks of unknown campaigns are counted under "unknown"."""
    channel_of = {c["id"]: c["channel"] for c in campaigns}
    totals = {}
    for click in clicks:
        channel = channel_of.get(click["campaign_id"], "unknown")
        totals[channel] = totals.get(channel, 0) + 1
    return totals
