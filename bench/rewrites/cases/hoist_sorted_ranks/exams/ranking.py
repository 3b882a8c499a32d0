"""Percentile ranks of this year's candidates against last year's cohort."""
import bisect


class Cohort:
    def __init__(self, reference_scores: list[int]):
        self.reference_scores = reference_scores

    def percentile_ranks(self, scores: list[int]) -> list[float]:
        """For each score, the percentage of last year's scores strictly below it."""
        return [100.0 * bisect.bisect_left(sorted(self.reference_scores), s) / len(self.reference_scores) for s in scores]
