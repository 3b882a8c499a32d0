import random

from htmltable import render_user_table


def test_one_row_per_user():
    rng = random.Random(73)
    users = [{"name": f"User <{i}>", "email": f"u{i}@example.com", "plan": rng.choice(["free", "pro", "team"])}
             for i in range(60_000)]
    html = render_user_table(users)
    assert html.count("<tr>") == len(users) + 1
    assert "&lt;0&gt;" in html
