from math import comb

from routes import count_routes


def test_open_grid_is_binomial():
    assert count_routes(6, 5) == comb(11, 5)


def test_roadworks_reduce_routes():
    closed = frozenset({(3, 3), (7, 2), (2, 8)})
    n = count_routes(11, 10, closed)
    assert 0 < n < comb(21, 10)
