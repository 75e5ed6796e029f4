"""The rating's properties (match_svc.rating over openskill's Plackett-Luce model), checked with
hypothesis over levels and reliabilities, and the 0–7 mapping."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from match_svc import rating
from match_svc.rating import SIGMA_UNKNOWN, Skill

# Away from the scale's ends, where clamping to 0–7 would hide a move.
levels = st.floats(min_value=1.0, max_value=6.0)
reliabilities = st.floats(min_value=0.0, max_value=0.9)
# Opponents this many levels either side count as near the player's level.
GAP = 0.5


def skill(level: float, reliability: float) -> Skill:
    return Skill(mu=rating.mu_of(level), sigma=(1 - reliability) * SIGMA_UNKNOWN)


def pair(level: float, reliability: float) -> tuple[Skill, Skill]:
    return skill(level, reliability), skill(level, reliability)


@settings(max_examples=200, deadline=None)
@given(me=levels, weaker=levels, stronger=levels, reliability=reliabilities)
def test_beating_a_stronger_pair_raises_a_level_more_than_beating_a_weaker_one(me, weaker, stronger, reliability):
    assume(stronger > weaker + 0.05)
    mine = pair(me, reliability)
    against_weaker, _ = rating.rate(mine, pair(weaker, reliability), "A")
    against_stronger, _ = rating.rate(mine, pair(stronger, reliability), "A")
    gain_weaker = against_weaker[0].level - mine[0].level
    gain_stronger = against_stronger[0].level - mine[0].level
    assert 0 < gain_weaker < gain_stronger


@settings(max_examples=200, deadline=None)
@given(low=levels, high=levels, reliability=reliabilities)
def test_a_draw_between_unequal_pairs_moves_their_levels_towards_each_other(low, high, reliability):
    assume(high > low + 0.05)
    weaker, stronger = pair(low, reliability), pair(high, reliability)
    weaker_after, stronger_after = rating.rate(weaker, stronger, None)
    assert all(after.level > low for after in weaker_after)
    assert all(after.level < high for after in stronger_after)
    assert stronger_after[0].level - weaker_after[0].level < high - low


@settings(max_examples=200, deadline=None)
@given(level=levels, opponents=levels, sure=reliabilities, less_sure=reliabilities, winner=st.sampled_from("AB"))
def test_the_lower_a_players_reliability_the_larger_their_change(level, opponents, sure, less_sure, winner):
    assume(sure > less_sure + 0.05)
    partner = skill(level, 0.5)
    (sure_after, _), _ = rating.rate((skill(level, sure), partner), pair(opponents, 0.5), winner)
    (unsure_after, _), _ = rating.rate((skill(level, less_sure), partner), pair(opponents, 0.5), winner)
    assert abs(unsure_after.level - level) > abs(sure_after.level - level)


@settings(max_examples=200, deadline=None)
@given(a=st.tuples(levels, levels), b=st.tuples(levels, levels), reliability=reliabilities,
       winner=st.sampled_from(["A", "B", None]))
def test_the_four_players_total_change_is_balanced_when_they_are_equally_reliable(a, b, reliability, winner):
    side_a = tuple(skill(level, reliability) for level in a)
    side_b = tuple(skill(level, reliability) for level in b)
    after_a, after_b = rating.rate(side_a, side_b, winner)
    changes = [n.level - o.level for n, o in zip([*after_a, *after_b], [*side_a, *side_b])]
    assert sum(changes) == pytest.approx(0, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(levels_=st.lists(levels, min_size=4, max_size=4), sure=st.lists(reliabilities, min_size=4, max_size=4),
       winner=st.sampled_from(["A", "B"]))
def test_what_the_winners_gain_balances_what_the_losers_lose_weighted_by_uncertainty(levels_, sure, winner):
    """With unequal reliabilities the model moves the less certain pair more: per unit of a pair's
    variance, the winners' gain balances the losers' loss (to 1%: the model's update of one pair also
    reads the other's uncertainty, so the balance is not to the last digit)."""
    players = [skill(level, r) for level, r in zip(levels_, sure)]
    side_a, side_b = tuple(players[:2]), tuple(players[2:])
    after_a, after_b = rating.rate(side_a, side_b, winner)

    def per_variance(before, after):
        return sum(n.level - o.level for n, o in zip(after, before)) / sum(o.sigma ** 2 for o in before)

    assert per_variance(side_a, after_a) == pytest.approx(-per_variance(side_b, after_b), rel=1e-2)
    winners = per_variance(side_a, after_a) if winner == "A" else per_variance(side_b, after_b)
    assert winners > 0


def test_a_confirmed_match_makes_every_player_more_reliable():
    before = [rating.starting_skill(level) for level in (3.0, 3.5, 3.2, 3.4)]
    after_a, after_b = rating.rate(tuple(before[:2]), tuple(before[2:]), "B")
    assert all(n.reliability > o.reliability for n, o in zip([*after_a, *after_b], before))


def test_the_mapping_to_the_padel_scale():
    assert rating.level_of(25) == 3.5 and rating.level_of(0) == 0 and rating.level_of(50) == 7.0
    assert rating.level_of(-3) == 0 and rating.level_of(60) == 7.0
    assert Skill(25, SIGMA_UNKNOWN).reliability == 0 and Skill(25, 0).reliability == 1
    start = rating.starting_skill(4.2)
    assert start.level == pytest.approx(4.2) and start.reliability == pytest.approx(0.2)


@settings(max_examples=300, deadline=None)
@given(level=levels, gap=st.floats(min_value=-GAP, max_value=GAP), reliability=reliabilities, sure=reliabilities,
       less_sure=reliabilities, winner=st.sampled_from(["A", "B", None]))
def test_reliability_rises_faster_against_reliable_opponents(level, gap, reliability, sure, less_sure, winner):
    """Against a pair near their level, the model's match variance is smaller when the opponents are
    sure, so the same result tells more about the player: their sigma shrinks more (the README,
    "Levels worth knowing"). Far apart, a result the model expected tells little either way."""
    assume(sure > less_sure + 0.05)
    mine = pair(level, reliability)
    opponents = level + gap
    against_sure, _ = rating.rate(mine, pair(opponents, sure), winner)
    against_less_sure, _ = rating.rate(mine, pair(opponents, less_sure), winner)
    assert against_sure[0].reliability > against_less_sure[0].reliability
