"""Recurring series on a real database (SQLite and PostgreSQL): the database decides every game, so a
game taken after the check becomes a clash and the other games are still booked in one transaction."""

import datetime as dt
import threading
from concurrent import futures

import pytest

from booking_svc import store
from booking_svc.recurrence import Recurrence
from booking_svc.service.series import TAKEN, Series
from booking_testkit import Clock, Desk, local_day, local_dt, outbox_messages, someone
from mesh.errors import FailedPrecondition, InvalidArgument

WEEKLY_THREE_TIMES = Recurrence(1, (), None, 3, frozenset())


def test_a_game_taken_between_the_check_and_the_write_is_a_clash_and_the_rest_are_booked(database, monkeypatch):
    clock = Clock()
    desk = Desk(database, clock)
    series = Series(desk.bookings, clock)
    made = desk.venue(name="Series Padel", horizon_days=30)
    court, player, rival = made.courts[0].id, someone("player"), someone("player")
    first = local_dt(local_day(2), "18:00").astimezone(dt.timezone.utc)
    desk.book(rival, court, first + dt.timedelta(days=7))
    # The race: the check sees the court free (as it was a moment before), the write meets the rival's game.
    monkeypatch.setattr(store, "live_bookings_overlapping", lambda *_args: [])

    view = series.book(database, player, court, first, 60, WEEKLY_THREE_TIMES, [], False, "series-race-1")
    assert [(g.booking is not None, g.clash) for g in view.games] == [(True, ""), (False, TAKEN), (True, "")]
    with database.session() as session:
        mine = store.series_bookings(session, view.series.id)
        assert [b.start_time for b in mine] == [first, first + dt.timedelta(days=14)]
        assert all(b.player_id == player.user_id and b.status == "confirmed" for b in mine)

    again = series.book(database, player, court, first, 60, WEEKLY_THREE_TIMES, [], False, "series-race-1")
    assert again.series.id == view.series.id and len(again.games) == 3

    # The series is told of once, with its games' dates; each game's own events name the series.
    def of_series(prefix: str):
        return [(name, m) for name, m in outbox_messages(database, prefix)
                if view.series.id in (getattr(m, "series_id", ""), m.series.series_id if name.startswith("Series")
                                      else "")]

    [(_, booked)] = of_series("Series")
    assert [t.ToDatetime(dt.timezone.utc) for t in booked.start_times] == [first, first + dt.timedelta(days=14)]
    assert (booked.series.player_id, booked.series.court_name, booked.clash_count) == (player.user_id, "Court 1", 1)
    assert [name for name, _ in of_series("Booking")] == ["BookingCreated", "BookingConfirmed"] * 2

    series.cancel(database, player, view.series.id, "all", "", "plans changed")
    [_, (name, cancelled)] = of_series("Series")
    assert (name, len(cancelled.start_times), cancelled.reason) == ("SeriesCancelled", 2, "plans changed")
    assert [name for name, _ in of_series("BookingCancelled")] == ["BookingCancelled"] * 2


def test_a_burst_of_series_from_one_player_stays_within_the_venues_limit(database):
    """Series booked at once by one player: the count and the booking are one step, so no more
    series run than the venue allows (the default, 2), however many arrive together."""
    clock = Clock()
    desk = Desk(database, clock)
    series = Series(desk.bookings, clock)
    court, player = desk.venue(name="Busy Series Padel", horizon_days=30).courts[0].id, someone("player")
    firsts = [local_dt(local_day(2 + n), "18:00").astimezone(dt.timezone.utc) for n in range(6)]
    barrier = threading.Barrier(len(firsts))

    def attempt(first: dt.datetime) -> str:
        barrier.wait()
        try:
            series.book(database, player, court, first, 60, WEEKLY_THREE_TIMES, [], False, first.isoformat())
            return "booked"
        except FailedPrecondition:
            return "refused"

    with futures.ThreadPoolExecutor(len(firsts)) as pool:
        outcomes = list(pool.map(attempt, firsts))
    assert sorted(outcomes) == ["booked"] * 2 + ["refused"] * 4


def test_a_series_starting_beyond_the_series_horizon_is_refused_naming_first_start(database):
    """Its games could not be booked; one near year 9999 was a 500 (its calendar rule overflowed)."""
    clock = Clock()
    series = Series(Desk(database, clock).bookings, clock)
    court, player = Desk(database, clock).venue(name="Far Series Padel").courts[0].id, someone("player")
    for first in (clock() + dt.timedelta(days=400), dt.datetime(9999, 12, 31, 20, tzinfo=dt.timezone.utc)):
        with pytest.raises(InvalidArgument) as refused:
            series.book(database, player, court, first, 60, WEEKLY_THREE_TIMES, [], True, "")
        assert list(refused.value.fields) == ["first_start"]


def three_weekly_games(database, name: str):
    """(clock, series, player, series id, game ids, first start): a player's series of three weekly
    games at a new venue, the first in two days at 18:00."""
    clock = Clock()
    desk = Desk(database, clock)
    series = Series(desk.bookings, clock)
    made = desk.venue(name=name, horizon_days=30)
    player = someone("player")
    first = local_dt(local_day(2), "18:00").astimezone(dt.timezone.utc)
    view = series.book(database, player, made.courts[0].id, first, 60, WEEKLY_THREE_TIMES, [], False, name)
    return clock, series, player, view.series.id, [g.booking.id for g in view.games], first


def test_this_and_following_from_a_cancelled_game_cancels_the_games_still_to_come(database):
    _clock, series, player, series_id, games, _first = three_weekly_games(database, "Series Padel")
    series.cancel(database, player, series_id, "one", games[0], "")

    cancelled, after = series.cancel(database, player, series_id, "following", games[0], "")
    assert [g.booking.id for g in cancelled] == games[1:]
    assert [g.booking.status for g in after.games] == ["cancelled"] * 3
    with pytest.raises(FailedPrecondition, match="left to cancel"):
        series.cancel(database, player, series_id, "following", games[0], "")


def test_during_a_game_this_and_following_cancels_the_games_to_come_and_one_alone_is_refused(database):
    """The game being played stays (the player may not cancel it now); the ones after it go."""
    clock, series, player, series_id, games, first = three_weekly_games(database, "Series Playing Padel")
    clock.now = first + dt.timedelta(minutes=20)
    with pytest.raises(FailedPrecondition, match="started"):
        series.cancel(database, player, series_id, "one", games[0], "")
    cancelled, after = series.cancel(database, player, series_id, "following", games[0], "")
    assert [g.booking.id for g in cancelled] == games[1:]
    assert [g.booking.status for g in after.games] == ["confirmed", "cancelled", "cancelled"]
