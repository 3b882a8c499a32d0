"""Keyword extraction for the support-ticket search index."""
import re

STOPWORDS = (
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has",
    "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor",
    "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
    "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "hello",
    "hi", "thanks", "thank", "please", "regards", "dear", "team", "also", "get", "got", "still", "yet",
)

WORD = re.compile(r"[a-z0-9']+")


def ticket_keywords(tickets: list[str]) -> dict[str, int]:
    """How many tickets mention each non-stopword (a word counts once per ticket)."""
    counts: dict[str, int] = {}
    for text in tickets:
        words = {w for w in WORD.findall(text.lower()) if w not in STOPWORDS}
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    return counts
