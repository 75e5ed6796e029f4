"""Recurring series on a real database (SQLite and PostgreSQL): the database decides every game, so a
game taken after the check becomes a clash and the other games are still booked in one transaction."""

import datetime as dt

from booking_svc import store
from booking_svc.recurrence import Recurrence
from booking_svc.service.series import TAKEN, Series
from booking_testkit import Clock, Desk, local_day, local_dt, someone

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
