"""Fuzzy matching of product codes typed by warehouse staff."""


def edit_distance(typed: str, code: str) -> int:
    """Levenshtein distance (insert, delete, substitute: cost 1 each), written the textbook way."""
    if not typed:
        return len(code)
    if not code:
        return len(typed)
    if typed[0] == code[0]:
        return edit_distance(typed[1:], code[1:])
    return 1 + min(
        edit_distance(typed[1:], code),      # delete
        edit_distance(typed, code[1:]),      # insert
        edit_distance(typed[1:], code[1:]),  # substitute
    )
