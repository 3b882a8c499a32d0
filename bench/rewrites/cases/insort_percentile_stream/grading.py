"""Live percentile feedback for an online quiz."""
import bisect


class PercentileBoard:
    """Tells each participant, as they finish, where they stand among those who finished before."""

    def __init__(self):
        self.finished = []

    def percentiles(self, scores):
        out = []
        ranked = []
        for score in scores:
            ranked.append(score)
            ranked.sort()
            below = bisect.bisect_left(ranked, score)
            out.append(round(100.0 * below / len(ranked), 1))
        self.finished.extend(scores)
        return out
