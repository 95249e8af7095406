from collections import Counter

from engines.experiments.assignment import assign


def test_assignment_is_deterministic_balanced_and_respects_traffic() -> None:
    arms = [("plain", 0.5), ("personalised", 0.5)]
    first = [assign("exp-1", f"u{i}", arms, 0.5) for i in range(20_000)]
    assert first == [assign("exp-1", f"u{i}", arms, 0.5) for i in range(20_000)]
    counts = Counter(first)
    assert abs(counts[None] - 10_000) < 400 and abs(counts["plain"] - counts["personalised"]) < 400


def test_traffic_change_never_moves_an_enrolled_user_and_experiments_are_independent() -> None:
    arms = [("a", 0.5), ("b", 0.5)]
    for i in range(2000):
        small = assign("exp-1", f"u{i}", arms, 0.2)
        if small is not None:
            assert assign("exp-1", f"u{i}", arms, 0.9) == small
    same = sum(assign("exp-1", f"u{i}", arms) == assign("exp-2", f"u{i}", arms) for i in range(10_000))
    assert 4_700 < same < 5_300
