"""The owner's numbers on a real database (SQLite and PostgreSQL), with a clock the test moves so
games can be played and missed: the no-show rate and the statuses come from the database's groups."""

import datetime as dt

import pytest

from booking_svc.service import reports
from booking_testkit import Clock, Desk, local_day, local_dt, someone
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
