"""Which e-mail domains our signups come from."""
from collections import Counter


def top_domains(emails: list[str], k: int = 10) -> list[tuple[str, int]]:
    """The k most common domains (lower-cased) with their counts; ties keep first-seen order."""
    counts = Counter(e.rpartition("@")[2].lower() for e in emails)
    return counts.most_common(k)
