import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    width = 40
    children = {"all": [f"dept{rng.randrange(10**6)}-{i}" for i in range(width)]}
    for d in children["all"]:
        children[d] = [f"{d}/cat{j}" for j in range(rng.randrange(700, 900))]
    return [((children, "all"), {})]
