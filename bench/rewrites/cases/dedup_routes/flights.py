"""Route statistics for the schedule planner."""


def distinct_routes(legs):
    """The (origin, destination) pairs flown, in schedule order, without repeats, and their labels."""
    routes = []
    for leg in legs:
        if leg not in routes:
            routes.append(leg)
    labels = []
    for origin, destination in routes:
        labels.append(f"{origin}-{destination}")
    return routes, labels
