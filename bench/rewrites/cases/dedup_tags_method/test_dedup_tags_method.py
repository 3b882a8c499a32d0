import random

from blog.tags import TagCloud


def make_posts(rng, n):
    vocab = [f"topic-{i}" for i in range(2500)]
    return [{"title": f"post {i}", "tags": rng.sample(vocab, rng.randrange(1, 6))} for i in range(n)]


def test_distinct_tags_keeps_first_use_order():
    posts = make_posts(random.Random(5), 2_000)
    tags = TagCloud(posts).distinct_tags()
    assert len(tags) == len(set(tags))
    assert tags[: len(posts[0]["tags"])] == posts[0]["tags"]
    assert set(tags) == {t for p in posts for t in p["tags"]}
