"""Moderation: hide what banned users wrote."""
from dataclasses import dataclass


@dataclass
class User:
    user_id: int
    name: str
    banned: bool


@dataclass
class Post:
    post_id: int
    author_id: int
    body: str


def visible_posts(users: list[User], posts: list[Post]) -> list[int]:
    """Ids of the posts whose author is not banned, in the order given."""
    banned_ids = [u.user_id for u in users if u.banned]
    visible = []
    for post in posts:
        if post.author_id not in banned_ids:
            visible.append(post.post_id)
    return visible
