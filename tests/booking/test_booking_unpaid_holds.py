"""A player holds at most PADEL_BOOKING_MAX_UNPAID_HOLDS (2) bookings awaiting online payment at once,
across every venue: the next Book of their own (or waitlist offer accepted, or game of their own series) is refused
(FAILED_PRECONDITION, UNPAID_HOLDS_LIMIT) with nothing written, until paying for one or its hold running
out makes room; racing Books stay within the limit (the database decides). On SQLite and PostgreSQL."""

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import func, select

from booking_svc import store
from booking_svc.recurrence import Recurrence
from booking_svc.service.series import Series
from booking_svc.service.waitlist import Waitlist
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


def test_accepting_a_waitlist_offer_over_the_limit_is_refused_and_the_offer_stays_open_until_paying_makes_room(
        database):
    """An accepted offer at a venue paid online is a hold the player asked for, awaiting their payment:
    it counts, and is refused over the limit with the same reason, nothing written."""
    clock = Clock()
    desk = Desk(database, clock)
    waitlist = Waitlist(desk.bookings, clock)
    clifton, gulberg = paid_online(desk, "Clifton Line"), paid_online(desk, "Gulberg Line")
    player, holder = someone("player"), someone("player")
    first = desk.book(player, clifton.courts[0].id, at("10:00"))
    desk.book(player, clifton.courts[0].id, at("11:00"))
    taken = desk.book(holder, gulberg.courts[0].id, at("19:00"))
    waitlist.join(database, player, gulberg.venue.id, "", at("18:00"), at("21:00"), 60)
    desk.bookings.cancel(database, holder, taken.id, "")
    waitlist.offer_freed(database, taken.court_id, taken.start_time, taken.end_time)  # what the consumer does
    [offered] = waitlist.list_mine(database, player, 0, "").items
    events_before = len(outbox_messages(database))

    with pytest.raises(FailedPrecondition) as error:
        waitlist.accept(database, player, offered.offer.id)
    assert error.value.reason == "UNPAID_HOLDS_LIMIT", error.value
    [still] = waitlist.list_mine(database, player, 0, "").items
    assert (still.entry.state, still.offer.state) == ("offered", "open")
    assert len(outbox_messages(database)) == events_before

    desk.bookings.confirm_paid(database, first.id)  # paying for one makes room while the offer is open
    booking = waitlist.accept(database, player, offered.offer.id).booking
    assert (booking.status, booking.waitlist_offer_id, booking.start_time) == ("pending", None, at("19:00"))
    assert refused(desk, player, gulberg.courts[0].id, at("12:00")).reason == "UNPAID_HOLDS_LIMIT"


def test_a_players_own_series_at_a_venue_paid_online_counts_each_game_and_an_owners_series_for_a_customer_does_not(
        database):
    """Each game of a series at a venue paid online is a hold awaiting payment (payments bills every
    game at once, the hold its deadline): the games past the player's room are clashes naming the
    limit (the preview shows them), and a series with no room is refused like a Book. A series the
    venue's owner books for a customer is the venue's standing arrangement, not one player keeping
    courts from others: not limited."""
    clock = Clock()
    desk = Desk(database, clock)
    series = Series(desk.bookings, clock)
    clifton, gulberg = paid_online(desk, "Clifton Weekly"), paid_online(desk, "Gulberg Weekly")
    player = someone("player")
    desk.bookings.remember_player(database, player.user_id, "Sara", "+923001234567")
    desk.book(player, clifton.courts[0].id, at("10:00"))
    court, first = gulberg.courts[0].id, at("18:00")
    three_weeks, once = Recurrence(1, (), None, 3, frozenset()), Recurrence(1, (), None, 1, frozenset())

    preview = series.book(database, player, court, first, 60, three_weeks, [], True, "")
    assert [bool(g.clash) for g in preview.games] == [False, True, True]
    assert "awaiting payment" in preview.games[1].clash
    view = series.book(database, player, court, first, 60, three_weeks, [], False, "weekly")
    assert [(g.booking is not None, bool(g.clash)) for g in view.games] == [(True, False), (False, True), (False, True)]
    assert view.games[0].booking.status == "pending"

    # No room left: even a series of one game is refused with the limit's reason, nothing written.
    events_before = len(outbox_messages(database))
    with pytest.raises(FailedPrecondition) as error:
        series.book(database, player, clifton.courts[0].id, at("12:00"), 60, once, [], False, "one more")
    assert error.value.reason == "UNPAID_HOLDS_LIMIT", error.value
    assert bookings_of(desk, player.user_id) == 2 and len(outbox_messages(database)) == events_before

    # The owner's standing arrangement for their customer: every game booked, held for payment.
    owner = someone("venue_owner", user_id=clifton.venue.owner_id)
    arranged = series.book(database, owner, clifton.courts[0].id, at("20:00"), 60, three_weeks, [], False,
                           "standing", player_id=player.user_id)
    assert [(g.booking.status, g.clash) for g in arranged.games] == [("pending", "")] * 3


def test_a_venue_paid_online_keeps_holding_bookings_until_its_owner_takes_payment_at_the_venue_again(database):
    """Switched to confirming at once while paid online, its bookings were confirmed unpaid (nobody
    collects at the venue, nothing is held for payment) and the unpaid-holds limit no longer applied.
    payments refuses online payment to a venue that confirms at once; booking_svc refuses the reverse."""
    desk = Desk(database, Clock())
    venue = paid_online(desk, "Online Then Instant")
    owner = someone("venue_owner", user_id=venue.venue.owner_id)
    with pytest.raises(FailedPrecondition) as refused:
        desk.venues.update(database, owner, venue.venue.id, {"instant_confirmation": True})
    assert refused.value.reason == "VENUE_PAID_ONLINE" and "confirmation_mode" in str(refused.value)
    assert desk.book(someone("player"), venue.courts[0].id, at("10:00")).status == "pending"

    desk.bookings.venue_paid(database, venue.venue.id, at_venue=True)  # the owner chose payment at the venue
    desk.venues.update(database, owner, venue.venue.id, {"instant_confirmation": True})
    assert desk.book(someone("player"), venue.courts[0].id, at("11:00")).status == "confirmed"


def test_an_owner_booking_for_a_customer_at_their_own_venue_is_not_limited(database):
    """The owner's booking for a customer is the venue holding its own court for that customer (as the
    owner's series for one is), not the player keeping courts from others: their limit does not refuse it."""
    desk = Desk(database, Clock())
    clifton = paid_online(desk, "Clifton Desk")
    player = someone("player")
    desk.bookings.remember_player(database, player.user_id, "Sara", "+923001234567")
    desk.book(player, clifton.courts[0].id, at("10:00"))
    desk.book(player, clifton.courts[0].id, at("11:00"))
    owner = someone("venue_owner", user_id=clifton.venue.owner_id)
    for clock in ("12:00", "13:00"):
        view = desk.bookings.book(database, owner, clifton.courts[0].id, at(clock), 60, [], "", uuid.uuid4().hex,
                                  player_id=player.user_id).booking
        assert (view.player_id, view.status) == (player.user_id, "pending")
    # The player's own next booking is still refused.
    assert refused(desk, player, clifton.courts[0].id, at("14:00")).reason == "UNPAID_HOLDS_LIMIT"
