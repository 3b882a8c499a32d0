"""Fresh, distinct inputs for `td_levenshtein`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

from textdistance.algorithms.edit_based import Levenshtein


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
        a = "".join(rng.choice("abcdefghij") for _ in range(300))
        calls.append(((Levenshtein(), a, mutate(rng, a)), {}))
    return calls
