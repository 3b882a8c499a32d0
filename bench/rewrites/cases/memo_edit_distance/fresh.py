import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    code = "".join(rng.choice("ABCDEFGHJK0123456789") for _ in range(9))
    typed = list(code)
    rng.shuffle(typed)
    return [(("".join(typed), code), {})]
