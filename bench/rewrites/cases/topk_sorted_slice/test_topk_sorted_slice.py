import random

from arcade import high_scores


def test_top_ten():
    rng = random.Random(77)
    plays = [{"player": f"p{rng.randrange(500)}", "score": rng.randrange(1_000_000)} for _ in range(120_000)]
    top = high_scores(plays)
    assert top == sorted((p["score"] for p in plays), reverse=True)[:10]
