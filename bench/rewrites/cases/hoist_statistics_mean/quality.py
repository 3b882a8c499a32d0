"""Quality control on a production line."""
import statistics


def out_of_tolerance(measurements, tolerance):
    """Indexes of the parts whose measurement is more than `tolerance` away from the batch mean."""
    flagged = []
    for i, m in enumerate(measurements):
        if abs(m - statistics.mean(measurements)) > tolerance:
            flagged.append(i)
    return flagged
