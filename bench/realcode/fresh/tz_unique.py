"""Fresh, distinct inputs for `tz_unique`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def _email(r):
    return r["email"]


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [(([{"email": "u%d@x.org" % rng.randrange(20000), "n": i} for i in range(40000)],), {"key": _email}) for _ in range(3)]
