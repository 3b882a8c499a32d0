"""Streaming summaries of sensor telemetry."""


def running_medians(readings: list[float]) -> list[float]:
    """After each reading, the median of all readings so far (upper median for an even count)."""
    window: list[float] = []
    medians: list[float] = []
    for value in readings:
        window.append(value)
        window.sort()
        medians.append(window[len(window) // 2])
    return medians
