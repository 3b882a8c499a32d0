import random

from forum.moderation import Post, User, visible_posts


def make_forum(rng, n_users, n_posts):
    users = [User(i, f"user{i}", rng.random() < 0.1) for i in range(n_users)]
    posts = [Post(p, rng.randrange(n_users), "lorem ipsum") for p in range(n_posts)]
    return users, posts


def test_banned_authors_hidden():
    users, posts = make_forum(random.Random(9), 6_000, 12_000)
    banned = {u.user_id for u in users if u.banned}
    got = visible_posts(users, posts)
    assert got == [p.post_id for p in posts if p.author_id not in banned]
