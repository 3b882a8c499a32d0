import random

from search import best_documents


def test_best_documents_ordered():
    rng = random.Random(113)
    scores = {f"doc{i:06d}": round(rng.random(), 3) for i in range(400_000)}
    best = best_documents(scores)
    assert len(best) == 20
    assert [scores[d] for d in best] == sorted((scores[d] for d in best), reverse=True)
