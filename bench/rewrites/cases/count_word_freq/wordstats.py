"""Word statistics for the editor's "overused words" panel."""


def word_frequencies(text):
    """Maps each word (lower-cased) to how often it appears."""
    words = text.lower().split()
    freq = {}
    for w in words:
        freq[w] = words.count(w)
    return freq
