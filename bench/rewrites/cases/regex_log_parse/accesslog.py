"""Error-rate report from web server access logs."""
import re


def slow_or_failed_requests(lines):
    """(path, status, ms) of requests that failed (5xx) or took over a second."""
    hits = []
    for line in lines:
        m = re.match(r'(\S+) \S+ \S+ \[[^\]]+\] "(?:GET|POST|PUT|DELETE) (\S+) [^"]*" (\d{3}) \d+ (\d+)ms', line)
        if m is None:
            continue
        status, ms = int(m.group(3)), int(m.group(4))
        if status >= 500 or ms > 1000:
            hits.append((m.group(2), status, ms))
    return hits
