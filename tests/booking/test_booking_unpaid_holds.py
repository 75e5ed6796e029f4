"""A player holds at most PADEL_BOOKING_MAX_UNPAID_HOLDS (2) bookings awaiting online payment at once,
across every venue: the next Book is refused (FAILED_PRECONDITION, UNPAID_HOLDS_LIMIT) with nothing
written, until paying for one or its hold running out makes room; racing Books stay within the limit
(the database decides). On SQLite and PostgreSQL."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from booking_svc import store
from booking_testkit import Clock, Desk, local_day, local_dt, outbox_messages, someone, waits_for_a_lock
from mesh.errors import FailedPrecondition


def paid_online(desk: Desk, name: str) -> store.VenueView:
    """A venue holding each booking 30 minutes for its online payment (payment_svc's VenuePaymentChanged)."""
    venue = desk.venue(name=name, instant_confirmation=False, hold_minutes=30, max_live_bookings_per_day=10)
    desk.bookings.venue_paid(desk.db, venue.venue.id, at_venue=False)
    return venue


def at(clock: str, days_ahead: int = 3) -> dt.datetime:
    return local_dt(local_day(days_ahead), clock).astimezone(dt.timezone.utc)


def bookings_of(desk: Desk, player_id: str) -> int:
    with desk.db.session(read_only=True) as session:
        return session.scalar(select(func.count()).select_from(store.Booking).where(store.Booking.player_id == player_id))


def refused(desk: Desk, player, court_id: str, start: dt.datetime) -> FailedPrecondition:
    with pytest.raises(FailedPrecondition) as error:
        desk.book(player, court_id, start)
    return error.value


def test_a_third_unpaid_hold_anywhere_is_refused_until_one_is_paid_or_runs_out(database):
    clock = Clock()
    desk = Desk(database, clock)
    clifton, gulberg = paid_online(desk, "Clifton Online"), paid_online(desk, "Gulberg Online")
    at_the_venue = desk.venue(name="Pay There", instant_confirmation=False, hold_minutes=30)
    player = someone("player")
    first = desk.book(player, clifton.courts[0].id, at("10:00"))
    second = desk.book(player, clifton.courts[0].id, at("11:00"))
    assert (first.status, second.status) == ("pending", "pending")

    # Another venue, same player: a third booking awaiting payment is refused, nothing written.
    events_before = len(outbox_messages(database))
    error = refused(desk, player, gulberg.courts[0].id, at("10:00"))
    assert error.reason == "UNPAID_HOLDS_LIMIT" and "2 bookings awaiting payment" in str(error), error
    assert bookings_of(desk, player.user_id) == 2 and len(outbox_messages(database)) == events_before
    # A hold the venue confirms by hand, paid there, awaits no payment; another player is not limited.
    assert desk.book(player, at_the_venue.courts[0].id, at("10:00")).status == "pending"
    assert desk.book(someone("player"), gulberg.courts[0].id, at("10:00")).status == "pending"

    # Paying for one (payment_svc's PaymentCaptured) makes room for one more.
    desk.bookings.confirm_paid(database, first.id)
    assert desk.book(player, gulberg.courts[0].id, at("12:00")).status == "pending"
    assert refused(desk, player, gulberg.courts[0].id, at("13:00")).reason == "UNPAID_HOLDS_LIMIT"

    # A hold that ran out counts no more, even before the job releases it.
    clock.now += dt.timedelta(minutes=31)
    assert desk.book(player, gulberg.courts[0].id, at("13:00")).status == "pending"


def test_a_book_racing_one_by_the_same_player_waits_for_its_count_and_is_refused(database, monkeypatch):
    """Two Books by one player with room for one more hold, at two venues on two days (no daily limit
    in common): the second counts only after the first is written (PostgreSQL: it waits for the
    first's lock; SQLite: writers take turns), so it sees two holds."""
    desk = Desk(database, Clock())
    clifton, gulberg = paid_online(desk, "Clifton Race"), paid_online(desk, "Gulberg Race")
    player = someone("player")
    desk.book(player, clifton.courts[0].id, at("09:00"))
    raced: list[str] = []

    def race():
        try:
            desk.book(player, gulberg.courts[0].id, at("10:00", days_ahead=4))
            raced.append("booked")
        except FailedPrecondition as error:
            raced.append(error.reason)

    racer, counted = threading.Thread(target=race), store.unpaid_holds

    def count_then_race(session, player_id, now):
        holds = counted(session, player_id, now)
        if threading.current_thread() is not racer:  # the first Book has counted, and not written yet
            racer.start()
            if database.is_postgres:
                assert waits_for_a_lock(database, lambda: bool(raced))
        return holds

    monkeypatch.setattr(store, "unpaid_holds", count_then_race)
    assert desk.book(player, clifton.courts[0].id, at("11:00")).status == "pending"
    racer.join(30)
    assert raced == ["UNPAID_HOLDS_LIMIT"]
    assert bookings_of(desk, player.user_id) == 2
