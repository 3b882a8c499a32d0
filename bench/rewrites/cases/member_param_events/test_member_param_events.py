import random

from audit import events_for_watched_users


def make_events(rng, n):
    actions = ["login", "logout", "export", "delete", "share"]
    return [{"user_id": rng.randrange(50_000), "action": rng.choice(actions), "ts": i} for i in range(n)]


def test_only_watched_users_in_order():
    rng = random.Random(21)
    events = make_events(rng, 20_000)
    watched = rng.sample(range(50_000), 400)
    got = events_for_watched_users(events, watched)
    assert all(e["user_id"] in set(watched) for e in got)
    assert [e["ts"] for e in got] == sorted(e["ts"] for e in got)
    assert len(got) == sum(1 for e in events if e["user_id"] in set(watched))
