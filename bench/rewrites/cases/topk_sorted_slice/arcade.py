"""High-score table of the arcade cabinet."""


def high_scores(plays, k=10):
    """The k best scores over all plays, best first."""
    best = []
    for play in plays:
        best.append(play["score"])
        best = sorted(best, reverse=True)[:k]
    return best
