"""Tag cloud for the blog sidebar."""
from typing import Any


class TagCloud:
    def __init__(self, posts: list[dict[str, Any]]):
        self.posts = posts

    def distinct_tags(self) -> list[str]:
        """Every tag used by a post, in the order the posts first use them."""
        tags = []
        for post in self.posts:
            for tag in post["tags"]:
                if tag not in tags:
                    tags.append(tag)
        return tags
