"""Pytest test for corpus entry `mi_convolve` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from more_itertools.recipes import convolve


def test_convolve_moving_average():
    rng = random.Random(4)
    signal = [rng.uniform(-1, 1) for _ in range(5000)]
    kernel = [0.2] * 5
    out = list(convolve(signal, kernel))
    assert len(out) == len(signal) + len(kernel) - 1
    assert abs(out[10] - sum(signal[6:11]) * 0.2) < 1e-9
