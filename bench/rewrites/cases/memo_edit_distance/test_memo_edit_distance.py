from textutil.fuzzy import edit_distance


def test_known_distances():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3


def test_scrambled_code():
    assert edit_distance("WX-4471-KB", "WK-7144-XB") == 6
