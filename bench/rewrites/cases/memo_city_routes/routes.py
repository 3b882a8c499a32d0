"""Courier routing in a Manhattan-style street grid."""


def count_routes(east: int, north: int, closed: frozenset = frozenset()) -> int:
    """Number of shortest routes from (0, 0) to (east, north) moving only east or north,
    avoiding the closed intersections."""
    if (east, north) in closed:
        return 0
    if east == 0 and north == 0:
        return 1
    total = 0
    if east > 0:
        total += count_routes(east - 1, north, closed)
    if north > 0:
        total += count_routes(east, north - 1, closed)
    return total
