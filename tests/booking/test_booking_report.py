"""The owner's numbers on a real database (SQLite and PostgreSQL), with a clock the test moves so
games can be played and missed: the no-show rate and the statuses come from the database's groups."""

import datetime as dt

import pytest

from booking_svc.service import reports
from booking_testkit import Anyone, Clock, Desk, local_day, local_dt, someone
from mesh import caller
from mesh.errors import InvalidArgument, PermissionDenied


def test_the_no_show_rate_counts_missed_games_over_games_due(database):
    clock = Clock()
    desk = Desk(database, clock)
    made = desk.venue(name="Numbers Padel", base_hourly_price_paisa=600_000)
    owner = someone("venue_owner", user_id=made.venue.owner_id)
    court, day = made.courts[0].id, local_day(2)
    games = [desk.book(someone("player"), court, local_dt(day, clock_time).astimezone(dt.timezone.utc))
             for clock_time in ("10:00", "12:00", "14:00")]
    desk.bookings.cancel(database, owner, games[2].id, "rain")  # by the venue: no fee
    clock.now = games[1].start_time + dt.timedelta(minutes=5)
    desk.bookings.check_in(database, owner, games[0].id)
    desk.bookings.complete(database, owner, games[0].id)
    desk.bookings.no_show(database, owner, games[1].id)

    numbers = reports.report(database, owner, made.venue.id, day, day)
    assert dict(numbers.statuses) == {"completed": 1, "no_show": 1, "cancelled": 1}
    assert numbers.no_show_rate == 0.5
    # A no-show is paid for: both games count, less the platform's 10 %; the venue's own cancellation is free.
    assert numbers.revenue_paisa == 2 * (600_000 - 60_000)
    assert [(c.bookings, c.booked_minutes) for c in numbers.courts] == [(2, 120)]
    assert (numbers.new_players, numbers.returning_players) == (3, 0)
    assert reports.report(database, owner, made.venue.id, day + dt.timedelta(days=1), day + dt.timedelta(days=7)).statuses == []

    with pytest.raises(PermissionDenied):
        reports.report(database, someone("player"), made.venue.id, day, day)
    with pytest.raises(InvalidArgument, match="366 days"):
        reports.report(database, owner, made.venue.id, day, day + dt.timedelta(days=400))


def test_every_player_of_a_booking_counts_as_new_returning_and_top_player_with_their_share(database):
    clock = Clock()
    desk = Desk(database, clock)
    desk.bookings.players = Anyone()
    made = desk.venue(name="Many Players Padel", base_hourly_price_paisa=600_000)
    owner = someone("venue_owner", user_id=made.venue.owner_id)
    court, before, day = made.courts[0].id, local_day(2), local_day(3)
    booker, regular, newcomer, decliner = (someone("player") for _ in range(4))
    desk.book(regular, court, local_dt(before, "10:00"))  # before the period: the regular returns in it
    game = desk.bookings.book(database, booker, court, local_dt(day, "10:00"), 60,
                              [regular.user_id, newcomer.user_id, decliner.user_id], "", "a-game-of-four").booking
    desk.bookings.answer_invitation(database, decliner, game.id, accept=False)  # off the game
    desk.book(regular, court, local_dt(day, "12:00"))

    numbers = reports.report(database, owner, made.venue.id, day, day)
    # Booker and newcomer are new, the regular returns; who declined played nothing.
    assert (numbers.new_players, numbers.returning_players) == (2, 1)
    # The three players of the game each spent a third of 6,000 PKR; the regular also a game alone.
    assert numbers.top_players == [(regular.user_id, 2, 200_000 + 600_000),
                                   *sorted([(booker.user_id, 1, 200_000), (newcomer.user_id, 1, 200_000)])]


def two_courts(database, name: str) -> tuple[Clock, Desk, str, caller.Caller, str, str]:
    """A clock the test moves, the desk and a venue open 08:00–23:00 (900 minutes a day) with two courts:
    (clock, desk, venue id, its owner, first court, second court)."""
    clock = Clock()
    desk = Desk(database, clock)
    made = desk.venue(name=name)
    owner = someone("venue_owner", user_id=made.venue.owner_id)
    second = desk.venues.add_court(database, owner, made.venue.id, {"name": "Court 2"}).id
    return clock, desk, made.venue.id, owner, made.courts[0].id, second


def test_closed_time_and_time_before_a_court_was_added_are_not_open_time_per_court_and_step(database):
    clock, desk, venue_id, owner, closed, other = two_courts(database, "Closing Padel")
    day = local_day(3)
    for start, end in ((local_dt(day, "10:00"), local_dt(day, "12:00")),
                       (local_dt(day, "11:00"), local_dt(day, "13:00")),  # overlaps the first: 10:00–13:00 closed
                       (local_dt(day, "06:00"), local_dt(day, "07:00")),  # before opening: closes nothing open
                       # 22:00 to 09:00 the next morning: 22:00–23:00 of the day is open time closed
                       (local_dt(day, "22:00"), local_dt(day + dt.timedelta(days=1), "09:00"))):
        desk.venues.add_closure(database, owner, venue_id, closed, start, end, "works")
    desk.book(someone("player"), other, local_dt(day, "10:00"))
    clock.now = local_dt(day, "12:00").astimezone(dt.timezone.utc)
    added = desk.venues.add_court(database, owner, venue_id, {"name": "Court 3"}).id  # open from 12:00

    numbers = reports.report(database, owner, venue_id, day, day)
    assert {c.court.id: (c.booked_minutes, c.open_minutes) for c in numbers.courts} == {
        closed: (0, 900 - 180 - 60), other: (60, 900), added: (0, 660)}
    weekday = day.isoweekday()
    steps = {clock_time: numbers.steps[(weekday, clock_time)] for clock_time in ("08:00", "10:00", "12:30", "13:00",
                                                                                 "22:30")}
    assert steps == {"08:00": [0, 60], "10:00": [30, 30], "12:30": [0, 60], "13:00": [0, 90], "22:30": [0, 60]}
    assert numbers.occupancy == 60 / (900 - 240 + 900 + 660)


def test_a_retired_court_counts_open_minutes_up_to_its_retirement(database):
    clock, desk, venue_id, owner, retired, kept = two_courts(database, "Retiring Padel")
    day, next_day = local_day(3), local_day(4)
    desk.venues.add_closure(database, owner, venue_id, retired, local_dt(day, "09:00"), local_dt(day, "10:00"),
                            "works")
    desk.book(someone("player"), retired, local_dt(day, "10:00"))
    clock.now = local_dt(day, "15:00").astimezone(dt.timezone.utc)
    desk.venues.retire_court(database, owner, venue_id, retired)
    clock.now = local_dt(next_day, "09:00").astimezone(dt.timezone.utc)
    desk.venues.retire_court(database, owner, venue_id, retired)  # again: retired at 15:00 all the same

    numbers = reports.report(database, owner, venue_id, day, next_day)
    # 08:00–15:00 less the 09:00–10:00 closure on the day it was retired, nothing the next day.
    assert {c.court.id: (c.booked_minutes, c.open_minutes) for c in numbers.courts} == {
        retired: (60, 420 - 60), kept: (0, 1800)}
    steps = {(d.isoweekday(), clock_time): numbers.steps[(d.isoweekday(), clock_time)]
             for d, clock_time in ((day, "10:00"), (day, "14:30"), (day, "15:00"), (next_day, "10:00"))}
    assert list(steps.values()) == [[30, 60], [0, 60], [0, 30], [0, 30]]
    assert numbers.occupancy == 60 / (360 + 1800)
    later = reports.report(database, owner, venue_id, next_day, next_day)
    assert {c.court.id: c.open_minutes for c in later.courts} == {retired: 0, kept: 900}


def test_a_retired_venue_counts_its_courts_open_only_up_to_its_retirement(database):
    clock, desk, venue_id, owner, first, second = two_courts(database, "Closing Down Padel")
    day, next_day = local_day(3), local_day(4)
    clock.now = local_dt(day, "12:00").astimezone(dt.timezone.utc)
    desk.venues.retire_court(database, owner, venue_id, second)  # retired before the venue: its time stands
    clock.now = local_dt(day, "15:00").astimezone(dt.timezone.utc)
    closed_down, _live = desk.venues.retire_venue(database, owner, venue_id)

    numbers = reports.report(database, owner, venue_id, day, next_day)
    # 08:00–15:00 on the day it closed for good (08:00–12:00 for the court retired first), nothing after.
    assert {c.court.id: c.open_minutes for c in numbers.courts} == {first: 420, second: 240}
    assert numbers.steps[(next_day.isoweekday(), "10:00")] == [0, 0]
    assert [c.active for c in closed_down.courts] == [False, False]
