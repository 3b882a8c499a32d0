"""Security audit helpers."""


def events_for_watched_users(events, watched_user_ids):
    """The audit events of users on the watch list, in log order."""
    matched = []
    for event in events:
        if event["user_id"] in watched_user_ids:
            matched.append(event)
    return matched
