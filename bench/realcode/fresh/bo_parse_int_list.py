"""Fresh, distinct inputs for `bo_parse_int_list`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def fresh_inputs(seed):
    rng = random.Random(seed)
    calls = []
    for _ in range(3):
        parts, start = [], 1
        for _ in range(2000):
            length = rng.randrange(1, 8)
            parts.append(str(start) if length == 1 else "%d-%d" % (start, start + length - 1))
            start += length + rng.randrange(1, 4)
        calls.append(((",".join(parts),), {}))
    return calls
