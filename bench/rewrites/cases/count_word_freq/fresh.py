import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    vocab = [f"word{i}" for i in range(400)] + ["the", "and", "of", "very", "really"]
    return [((" ".join(rng.choice(vocab).upper() if rng.random() < 0.1 else rng.choice(vocab) for _ in range(2_500)),), {})]
