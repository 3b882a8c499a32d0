from change import ways


def test_small_partition_numbers():
    assert [ways(n, n) for n in range(1, 9)] == [1, 2, 3, 5, 7, 11, 15, 22]


def test_realistic_amount():
    assert ways(45, 45) == 89134
