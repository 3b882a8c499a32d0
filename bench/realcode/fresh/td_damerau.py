"""Fresh, distinct inputs for `td_damerau`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

from textdistance.algorithms.edit_based import DamerauLevenshtein


def mutate(rng, s):
    s = list(s)
    for _ in range(len(s) // 5):
        i = rng.randrange(len(s))
        s[i] = rng.choice("abcdefghij")
    return "".join(s)


def fresh_inputs(seed):
    rng = random.Random(seed)
    calls = []
    for _ in range(3):
        a = "".join(rng.choice("abcdefghij") for _ in range(200))
        calls.append(((DamerauLevenshtein(), a, mutate(rng, a)), {}))
    return calls
