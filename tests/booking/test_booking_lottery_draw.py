"""The lottery draw (pure): the same seed and entries give the same order; weights count."""

from collections import Counter

from booking_svc import lottery

ENTRIES = [(f"entry-{i}", 1) for i in range(6)]


def test_a_draw_is_reproducible_from_its_seed_and_covers_every_entry_once():
    first = lottery.draw("5eed", ENTRIES)
    assert lottery.draw("5eed", ENTRIES) == first
    assert sorted(first) == sorted(e for e, _ in ENTRIES)
    assert len({tuple(lottery.draw(lottery.new_seed(), ENTRIES)) for _ in range(20)}) > 1


def test_a_heavier_entry_wins_more_often_over_many_seeds():
    wins = Counter(lottery.draw(f"seed-{n}", [("member", 3), ("guest", 1)])[0] for n in range(400))
    assert wins["member"] > 2 * wins["guest"]
