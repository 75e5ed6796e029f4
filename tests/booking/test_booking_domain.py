"""The booking rules without I/O: opening hours past midnight, the grid, horizon, prices, policy,
fair access, every transition of the state machine, and who may do what."""

import datetime as dt
import itertools
import math
from zoneinfo import ZoneInfo

import pytest

from booking_svc import domain
from booking_svc.domain import Opening, PriceWindow, Status, VenueRules
from mesh.caller import Caller
from mesh.errors import FailedPrecondition, InvalidArgument, PermissionDenied

KARACHI = ZoneInfo("Asia/Karachi")
MONDAY = dt.date(2030, 1, 7)  # a Monday
assert MONDAY.isoweekday() == 1
NOW = dt.datetime(2030, 1, 6, 12, 0, tzinfo=KARACHI).astimezone(dt.timezone.utc)  # Sunday noon


def at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=KARACHI).astimezone(dt.timezone.utc)


def rules(**overrides) -> VenueRules:
    every_day = tuple(Opening(w, 8 * 60, 22 * 60) for w in range(1, 8))
    return VenueRules(**{"time_zone": "Asia/Karachi", "openings": every_day, "base_hourly_paisa": 600_000,
                         **overrides})


LATE_NIGHT = rules(openings=(Opening(1, 18 * 60, 3 * 60),))  # Monday 18:00 – Tuesday 03:00


def test_a_past_midnight_opening_belongs_to_the_day_it_opens():
    assert domain.opening_window(LATE_NIGHT, MONDAY) == (at(MONDAY, "18:00"), at(MONDAY + dt.timedelta(days=1), "03:00"))
    assert domain.opening_window(LATE_NIGHT, MONDAY + dt.timedelta(days=1)) is None
    one_am_tuesday = at(MONDAY + dt.timedelta(days=1), "01:00")
    assert domain.opening_date_of(LATE_NIGHT, one_am_tuesday) == MONDAY
    assert domain.check_slot(LATE_NIGHT, one_am_tuesday, 60, NOW) == MONDAY


def test_availability_of_a_late_night_day_runs_past_midnight():
    starts = domain.candidate_starts(LATE_NIGHT, MONDAY, 90, NOW)
    assert starts[0] == at(MONDAY, "18:00")
    assert starts[-1] == at(MONDAY + dt.timedelta(days=1), "01:30")  # ends exactly at 03:00
    assert len(starts) == (9 * 60 - 90) // 30 + 1


def test_open_round_the_clock_when_open_equals_close():
    all_day = rules(openings=(Opening(1, 0, 0),))
    assert domain.opening_window(all_day, MONDAY) == (at(MONDAY, "00:00"), at(MONDAY + dt.timedelta(days=1), "00:00"))


@pytest.mark.parametrize("start, duration, field, problem", [
    (at(MONDAY, "10:15"), 60, "start_time", "grid"),
    (at(MONDAY, "07:00"), 60, "start_time", "opening hours"),
    (at(MONDAY, "21:30"), 60, "duration_minutes", "closing time"),
    (at(MONDAY, "10:00"), 45, "duration_minutes", "not offered"),
    (at(MONDAY - dt.timedelta(days=2), "10:00"), 60, "start_time", "past"),
    (at(MONDAY + dt.timedelta(days=30), "10:00"), 60, "start_time", "days ahead"),
])
def test_a_bad_start_or_duration_names_the_field(start, duration, field, problem):
    with pytest.raises(InvalidArgument) as error:
        domain.check_slot(rules(), start, duration, NOW)
    assert field in error.value.fields and problem in error.value.fields[field]


def test_no_starts_beyond_the_horizon_or_in_the_past():
    assert domain.candidate_starts(rules(horizon_days=3), MONDAY + dt.timedelta(days=5), 60, NOW) == []
    now = at(MONDAY, "12:10")
    assert domain.candidate_starts(rules(), MONDAY, 60, now)[0] == at(MONDAY, "12:30")


def test_busy_intervals_remove_overlapping_starts_but_not_back_to_back_ones():
    starts = domain.candidate_starts(rules(), MONDAY, 60, NOW)
    free = domain.free_starts(starts, 60, [(at(MONDAY, "10:00"), at(MONDAY, "11:30"))])
    assert at(MONDAY, "09:00") in free and at(MONDAY, "11:30") in free
    for taken in ("09:30", "10:00", "10:30", "11:00"):
        assert at(MONDAY, taken) not in free


def test_a_game_across_a_peak_window_is_priced_minute_by_minute():
    peak = [PriceWindow(None, frozenset(), 18 * 60, 23 * 60, 800_000)]
    # 17:30–19:00: 30 min at Rs 6,000/h + 60 min at Rs 8,000/h = Rs 3,000 + Rs 8,000
    assert domain.price_of(rules(), peak, "court", at(MONDAY, "17:30"), 90) == 1_100_000
    assert domain.price_of(rules(), peak, "court", at(MONDAY, "10:00"), 60) == 600_000


def test_a_game_is_counted_under_the_price_rule_of_most_of_its_minutes():
    windows = [PriceWindow(None, frozenset(), 18 * 60, 23 * 60, 800_000, "peak"),
               PriceWindow("court-1", frozenset(), 18 * 60, 20 * 60, 1_000_000, "court-1-evening")]
    assert domain.pricing_rule(rules(), windows, "court-2", at(MONDAY, "17:30"), 90) == "peak"  # 60 of 90
    assert domain.pricing_rule(rules(), windows, "court-2", at(MONDAY, "16:30"), 90) is None  # the base price
    assert domain.pricing_rule(rules(), windows, "court-1", at(MONDAY, "19:00"), 120) == "court-1-evening"  # a tie
    assert domain.pricing_rule(rules(), windows, "court-1", at(MONDAY, "19:30"), 90) == "peak"


def test_a_court_rule_beats_a_venue_rule_which_beats_the_base_price():
    windows = [PriceWindow(None, frozenset(), 18 * 60, 23 * 60, 800_000),
               PriceWindow("court-1", frozenset(), 18 * 60, 20 * 60, 1_000_000)]
    assert domain.price_of(rules(), windows, "court-1", at(MONDAY, "19:00"), 60) == 1_000_000
    assert domain.price_of(rules(), windows, "court-2", at(MONDAY, "19:00"), 60) == 800_000
    assert domain.price_of(rules(), windows, "court-1", at(MONDAY, "12:00"), 60) == 600_000


def test_a_weekday_window_past_midnight_belongs_to_its_start_day():
    monday_night = [PriceWindow(None, frozenset({1}), 22 * 60, 2 * 60, 900_000)]
    tuesday = MONDAY + dt.timedelta(days=1)
    assert domain.price_of(LATE_NIGHT, monday_night, "c", at(tuesday, "01:00"), 60) == 900_000
    assert domain.price_of(LATE_NIGHT, monday_night, "c", at(tuesday, "02:00"), 60) == 600_000
    assert domain.price_of(LATE_NIGHT, monday_night, "c", at(MONDAY, "01:00"), 60) == 600_000  # Sunday's night


def test_day_prices_agree_with_single_prices():
    windows = [PriceWindow(None, frozenset(), 18 * 60, 23 * 60, 800_000)]
    span = domain.opening_window(LATE_NIGHT, MONDAY)
    day = domain.DayPrices(LATE_NIGHT, windows, "c", span)
    for start in domain.candidate_starts(LATE_NIGHT, MONDAY, 90, NOW):
        assert day.price(start, 90) == domain.price_of(LATE_NIGHT, windows, "c", start, 90)


def test_commission_is_a_rounded_percentage():
    assert domain.percent_of(1_100_000, 10) == 110_000
    assert domain.percent_of(5, 10) == 1  # 0.5 paisa rounds up


def test_cancellation_is_free_until_the_policy_hours_then_costs_the_late_fee():
    policy = rules(free_until_hours=24, late_fee_percent=50)
    start = at(MONDAY, "18:00")
    early, late = start - dt.timedelta(hours=25), start - dt.timedelta(hours=2)
    assert domain.cancellation_charge(policy, 800_000, start, early, by_venue=False, status=Status.CONFIRMED) == (0, 800_000)
    assert domain.cancellation_charge(policy, 800_000, start, late, by_venue=False, status=Status.CONFIRMED) == (400_000, 400_000)
    assert domain.cancellation_charge(policy, 800_000, start, late, by_venue=True, status=Status.CONFIRMED) == (0, 800_000)
    assert domain.cancellation_charge(policy, 800_000, start, late, by_venue=False, status=Status.PENDING) == (0, 800_000)


def test_fair_access_limit():
    domain.check_daily_limit(rules(max_live_bookings_per_day=2), 1)
    with pytest.raises(FailedPrecondition, match="allows 2 per player per day"):
        domain.check_daily_limit(rules(max_live_bookings_per_day=2), 2)


ALLOWED = {(Status.PENDING, Status.CONFIRMED), (Status.PENDING, Status.CANCELLED),
           (Status.CONFIRMED, Status.IN_PROGRESS), (Status.CONFIRMED, Status.CANCELLED),
           (Status.CONFIRMED, Status.NO_SHOW), (Status.IN_PROGRESS, Status.COMPLETED)}
FORBIDDEN = [pair for pair in itertools.product(Status, Status) if pair not in ALLOWED]


@pytest.mark.parametrize("current, target", sorted(ALLOWED))
def test_allowed_transitions(current, target):
    assert domain.transition(current, target) == target


@pytest.mark.parametrize("current, target", FORBIDDEN, ids=[f"{a.value}->{b.value}" for a, b in FORBIDDEN])
def test_every_forbidden_transition_names_both_states(current, target):
    with pytest.raises(FailedPrecondition) as error:
        domain.transition(current, target)
    assert error.value.message == f"cannot go from {current.value} to {target.value}"


def test_venue_rules_need_durations_on_the_grid_and_a_known_zone():
    with pytest.raises(InvalidArgument) as error:
        domain.check_venue_rules(rules(slot_minutes=60, durations=(90,)))
    assert "venue.durations_minutes" in error.value.fields
    with pytest.raises(InvalidArgument) as error:
        domain.check_venue_rules(rules(time_zone="Mars/Olympus"))
    assert "venue.time_zone" in error.value.fields
    with pytest.raises(InvalidArgument) as error:
        domain.check_venue_rules(rules(openings=(Opening(1, 0, 60), Opening(1, 60, 120))))
    assert "venue.opening_hours" in error.value.fields


def test_distance_between_karachi_and_lahore():
    assert 1000 < domain.distance_km((24.8607, 67.0011), (31.5204, 74.3587)) < 1050


def test_a_game_across_a_clock_change_is_priced_by_local_wall_time():
    london = rules(time_zone="Europe/London", openings=tuple(Opening(w, 0, 0) for w in range(1, 8)))
    night = [PriceWindow(None, frozenset(), 2 * 60, 4 * 60, 1_200_000)]
    # 31 March 2030: at 01:00 UTC London jumps from 01:00 GMT to 02:00 BST.
    start = dt.datetime(2030, 3, 31, 0, 30, tzinfo=dt.timezone.utc)
    # 00:30–01:00 local at the base price, then 02:00–03:30 local inside the window.
    assert domain.price_of(london, night, "c", start, 120) == 300_000 + 1_800_000


@pytest.mark.parametrize("before, after, added, removed", [
    (["a", "b"], ["b", "c"], ["c"], ["a"]),
    (["a", "b"], ["b", "a"], [], []),
    ([], ["a", "a"], ["a"], []),
    (["a"], [], [], ["a"]),
])
def test_invitation_changes_ignore_order_and_repeats(before, after, added, removed):
    assert domain.invitation_changes(before, after) == (added, removed)


def _caller(user_id: str, *roles: str) -> Caller:
    return Caller(user_id, frozenset(roles), "jti", dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc), "token")


def test_an_owner_manages_only_their_venues_and_an_admin_any():
    owner, other, admin = _caller("o", "venue_owner"), _caller("x", "venue_owner"), _caller("a", "admin")
    domain.check_may_manage(owner, "o")
    domain.check_may_manage(admin, "o")
    with pytest.raises(PermissionDenied):
        domain.check_may_manage(other, "o")
    domain.check_may_open_venues(owner)
    with pytest.raises(PermissionDenied, match="venue_owner or admin"):
        domain.check_may_open_venues(_caller("p", "player"))


def test_a_booking_is_seen_by_its_players_and_venue_and_changed_or_cancelled_by_its_booker():
    booker, friend, stranger = _caller("b", "player"), _caller("f", "player"), _caller("s", "player")
    owner, admin = _caller("o", "venue_owner"), _caller("a", "admin")
    for who in (booker, friend, owner, admin):
        domain.check_may_see_booking(who, "b", ["f"], "o")
    with pytest.raises(PermissionDenied):
        domain.check_may_see_booking(stranger, "b", ["f"], "o")
    domain.check_may_change_booking(booker, "b")
    domain.check_may_change_booking(admin, "b")
    for who in (friend, owner):
        with pytest.raises(PermissionDenied):
            domain.check_may_change_booking(who, "b")
    assert [domain.canceller(who, "b", "o") for who in (booker, owner, admin)] == ["player", "venue", "venue"]
    for who in (friend, stranger):
        with pytest.raises(PermissionDenied):
            domain.canceller(who, "b", "o")


def test_the_haversine_bound_keeps_exactly_what_lies_within_the_radius():
    karachi, lahore = (24.8607, 67.0011), (31.5204, 74.3587)
    distance = domain.distance_km(karachi, lahore)
    lat1, lon1, lat2, lon2 = map(math.radians, (*karachi, *lahore))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    assert domain.haversine_within(distance + 0.001) > h > domain.haversine_within(distance - 0.001)


@pytest.mark.parametrize("second, clash", [
    (PriceWindow(None, frozenset({1}), 1 * 60, 3 * 60, 1), "rules[1]: overlaps rules[0] on Monday from 01:00"),
    (PriceWindow(None, frozenset({1}), 2 * 60, 3 * 60, 1), None),  # back to back with Sunday night's window
    (PriceWindow(None, frozenset({6}), 23 * 60, 23 * 60 + 30, 1), None),  # Saturday, not Sunday
    (PriceWindow(None, frozenset(), 23 * 60 + 30, 0, 1), "rules[1]: overlaps rules[0] on Sunday from 23:30"),
    (PriceWindow("court-1", frozenset({1}), 1 * 60, 3 * 60, 1), None),  # one court's exception
])
def test_price_windows_of_one_court_may_not_overlap_even_across_sunday_midnight(second, clash):
    sunday_night = PriceWindow(None, frozenset({7}), 22 * 60, 2 * 60, 900_000)
    if clash is None:
        domain.check_price_windows_apart([sunday_night, second])
        return
    with pytest.raises(InvalidArgument) as error:
        domain.check_price_windows_apart([sunday_night, second])
    assert str(error.value).startswith(clash)


def test_cancelling_within_the_grace_period_after_booking_is_free_and_says_so():
    start = at(MONDAY, "19:00")
    booked = start - dt.timedelta(hours=2)
    inside = domain.quote_cancellation(rules(), 600_000, start, booked, booked + dt.timedelta(minutes=9),
                                       by_venue=False, status=Status.CONFIRMED)
    assert (inside.fee_paisa, inside.free_until) == (0, booked + dt.timedelta(minutes=10))
    assert inside.note == f"Cancelling now is free (until {MONDAY} 17:10 (Asia/Karachi))"
    after = domain.quote_cancellation(rules(), 600_000, start, booked, booked + dt.timedelta(minutes=11),
                                      by_venue=False, status=Status.CONFIRMED)
    assert (after.fee_paisa, after.free_until) == (300_000, None)
    assert after.note == "Cancelling now costs Rs 3,000, fee due at the venue"
