"""Latency percentiles from access-log lines."""


def latency_summary(log_lines):
    """p50/p95/p99 of the `took=<ms>` field, and how many lines had one."""
    latencies = []
    for line in log_lines:
        _, _, tail = line.partition(" took=")
        if not tail:
            continue
        latencies.append(float(tail.split("ms", 1)[0]))
        latencies.sort()
    n = len(latencies)
    if n == 0:
        return {"count": 0}
    return {
        "count": n,
        "p50": latencies[n // 2],
        "p95": latencies[min(n - 1, n * 95 // 100)],
        "p99": latencies[min(n - 1, n * 99 // 100)],
    }
