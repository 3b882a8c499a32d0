"""Fresh, distinct inputs for `tz_join`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def _first(x):
    return x[0]


def fresh_inputs(seed):
    rng = random.Random(seed)
    calls = []
    for _ in range(3):
        customers = [(i, "name%d" % i) for i in range(5000)]
        rng.shuffle(customers)
        orders = [(rng.randrange(6000), rng.randrange(100)) for _ in range(20000)]
        calls.append(((_first, customers, _first, orders), {}))
    return calls
