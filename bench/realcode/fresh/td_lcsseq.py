"""Fresh, distinct inputs for `td_lcsseq`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

from textdistance.algorithms.sequence_based import LCSSeq


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [((LCSSeq(), "".join(rng.choice("acgt") for _ in range(200)), "".join(rng.choice("acgt") for _ in range(200))), {}) for _ in range(3)]
