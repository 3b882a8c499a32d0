import random

from forum.moderation import Post, User


def fresh_inputs(seed):
    rng = random.Random(seed)
    users = [User(i, f"user{i}", rng.random() < 0.1) for i in range(6_000)]
    posts = [Post(p, rng.randrange(6_000), "lorem ipsum") for p in range(12_000)]
    return [((users, posts), {})]
