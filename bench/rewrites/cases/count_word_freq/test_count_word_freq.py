import random

from wordstats import word_frequencies


def make_text(rng, n):
    vocab = [f"word{i}" for i in range(400)] + ["the", "and", "of", "very", "really"]
    return " ".join(rng.choice(vocab) for _ in range(n))


def test_counts_add_up():
    text = make_text(random.Random(61), 2_500)
    freq = word_frequencies(text)
    assert sum(freq.values()) == len(text.split())
    assert freq[text.split()[0]] >= 1
