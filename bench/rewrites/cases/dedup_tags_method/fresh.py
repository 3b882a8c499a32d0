import random

from blog.tags import TagCloud


def fresh_inputs(seed):
    rng = random.Random(seed)
    vocab = [f"topic-{i}" for i in range(2500)]
    posts = [{"title": f"post {i}", "tags": rng.sample(vocab, rng.randrange(1, 6))} for i in range(2_000)]
    return [((TagCloud(posts),), {})]
