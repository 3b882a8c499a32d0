"""Search ranking: the best-scoring documents for a query."""
import heapq


def best_documents(scores: dict[str, float], k: int = 20) -> list[str]:
    """Ids of the k highest-scoring documents, best first (ties: smaller id first)."""
    return [doc for doc, _ in heapq.nsmallest(k, scores.items(), key=lambda kv: (-kv[1], kv[0]))]
