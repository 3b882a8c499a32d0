"""Fresh, distinct inputs for `td_jaro_winkler`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

from textdistance.algorithms.edit_based import JaroWinkler


def fresh_inputs(seed):
    rng = random.Random(seed)
    calls = []
    for _ in range(3):
        a = "".join(rng.choice("abcdefghijklmnop") for _ in range(2000))
        b = a[:1500] + "".join(rng.choice("abcdefghijklmnop") for _ in range(500))
        calls.append(((JaroWinkler(external=False), a, b), {}))
    return calls
