"""Playlist editing: where requested tracks sit in the current queue."""


def queue_positions(queue: list[str], requested: list[str]) -> list[int]:
    """1-based position of each requested track's first occurrence in the queue (every one is queued)."""
    positions = []
    for track in requested:
        positions.append(queue.index(track) + 1)
    return positions
