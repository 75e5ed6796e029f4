"""match_svc's pure rules: padel scores, places and gender modes, the questionnaire's starting level."""

import pytest

from match_svc import domain
from match_svc.domain import Gender, GenderMode, Place, Side
from mesh.errors import Conflict, FailedPrecondition, InvalidArgument


@pytest.mark.parametrize("sets, winner", [
    ([(6, 0), (6, 4)], Side.A),
    ([(7, 5), (4, 6), (6, 7)], Side.B),
    ([(7, 6), (6, 7), (7, 6)], Side.A),
    ([(0, 6), (6, 3), (4, 6)], Side.B),
])
def test_a_best_of_three_score_names_its_winner(sets, winner):
    assert domain.winner_of(sets) == winner


@pytest.mark.parametrize("sets, field", [
    ([(6, 5), (6, 0)], "sets[0]"),   # a set is not over at 6–5
    ([(6, 6), (6, 0)], "sets[0]"),   # 6–6 goes to the tie-break
    ([(7, 4), (6, 0)], "sets[0]"),   # 7 games only from 5–5 or 6–6
    ([(6, 0), (6, 1), (6, 2)], "sets[2]"),  # over after two sets
    ([(6, 0), (0, 6)], "sets"),      # nobody won two sets
    ([(6, 0)], "sets"),
])
def test_a_score_that_breaks_the_rules_names_the_field(sets, field):
    with pytest.raises(InvalidArgument) as error:
        domain.winner_of(sets)
    assert list(error.value.fields) == [field]


def test_a_full_match_or_side_is_a_conflict_and_mixed_pairs_a_woman_and_a_man():
    organiser = Place(Side.A, "o", Gender.WOMAN)
    assert domain.free_place([organiser], None, GenderMode.MIXED, Gender.WOMAN) == Side.B
    assert domain.free_place([organiser], None, GenderMode.MIXED, Gender.MAN) == Side.A
    full_side = [organiser, Place(Side.A, "p", Gender.MAN)]
    with pytest.raises(Conflict):
        domain.free_place(full_side, Side.A, GenderMode.OPEN, Gender.MAN)
    full = [*full_side, Place(Side.B, "q", Gender.MAN), Place(Side.B, "r", Gender.WOMAN)]
    with pytest.raises(Conflict) as error:
        domain.free_place(full, None, GenderMode.OPEN, Gender.MAN)
    assert error.value.reason == "MATCH_FULL"
    with pytest.raises(FailedPrecondition):
        domain.check_gender(GenderMode.WOMEN, Gender.MAN)
    with pytest.raises(FailedPrecondition):
        domain.check_gender(GenderMode.MIXED, Gender.UNSPECIFIED)
    # A mixed side with its woman has no place for another woman: the mode's rule, not a race.
    with pytest.raises(FailedPrecondition) as ruled:
        domain.free_place([organiser, Place(Side.B, "q", Gender.WOMAN)], None, GenderMode.MIXED, Gender.WOMAN)
    assert ruled.value.reason == "GENDER_MODE" and "one woman and one man a side" in str(ruled.value)


def test_the_questionnaire_caps_a_guess_by_experience():
    assert domain.starting_level(0, False, 5.0) == 1.0
    assert domain.starting_level(0, True, 5.0) == 1.5
    assert domain.starting_level(2, False, 2.5) == 2.5
    assert domain.starting_level(20, True, 6.5) == 6.5


def test_the_level_range_stays_on_the_scale():
    assert domain.level_range(3.0, 0) == (2.5, 3.5)
    assert domain.level_range(6.8, 1.0) == (5.8, 7.0)
    assert domain.level_range(0.2, 1.0) == (0.0, 1.2)


def test_a_held_court_is_booked_by_two_players_early_or_three_later_and_never_past_its_deadline():
    import datetime as dt

    rule = domain.FillRule()  # 2 more than 12 h ahead, 3 more than 3 h ahead
    start = dt.datetime(2026, 12, 10, 14, 0, tzinfo=dt.timezone.utc)
    ahead = {hours: start - dt.timedelta(hours=hours) for hours in (48, 12.5, 12, 6, 3, 1)}
    assert [rule.filled(2, start, ahead[h]) for h in (48, 12.5, 12, 6)] == [True, True, False, False]
    assert [rule.filled(3, start, ahead[h]) for h in (12, 6, 3, 1)] == [True, True, False, False]
    assert not rule.filled(1, start, ahead[48]) and not rule.filled(4, start, ahead[3])
    assert rule.deadline(start) == ahead[3]
    rule.check_may_hold(start, ahead[6])
    with pytest.raises(InvalidArgument, match="slot.start_time"):
        rule.check_may_hold(start, ahead[3])
    tighter = domain.FillRule(early_hours=24, early_players=3, late_hours=6, late_players=4)
    assert not tighter.filled(2, start, ahead[48]) and tighter.filled(4, start, ahead[12])
