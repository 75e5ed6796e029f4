"""The fair waitlist on a real database (SQLite and PostgreSQL), time driven through the booking job
with a clock the test moves: a freed slot goes to one waiting player at a time, in joining order."""

import datetime as dt
import threading
from concurrent import futures

import pytest
from padel.booking.v1 import booking_pb2, events_pb2

from booking_svc import consumers
from booking_svc.jobs import BookingJob
from booking_svc.service.waitlist import MAX_ACTIVE_ENTRIES, Waitlist
from booking_testkit import Clock, Desk, local_day, local_dt, outbox_messages, someone, waits_for_a_lock
from mesh.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound


def outbox_events(db, prefix: str) -> list[tuple[str, events_pb2.BookingSnapshot]]:
    """(event type, booking snapshot) of the events in the outbox whose type starts with `prefix`, oldest first."""
    return [(name, message.booking) for name, message in outbox_messages(db, prefix)]


def waitlist_events(db) -> list[tuple[str, str]]:
    """(event type, player) of the waitlist events in the outbox, oldest first."""
    return [(name, booking.player_id) for name, booking in outbox_events(db, "Waitlist")]


def a_venue_with_a_waitlist(database, name: str, days_ahead: int, at: str):
    """(clock, desk, waitlist, venue, start): a new venue, its waitlist on a clock the test moves, and
    a start time `days_ahead` days from now at `at` local time."""
    clock = Clock()
    desk = Desk(database, clock)
    return (clock, desk, Waitlist(desk.bookings, clock), desk.venue(name=name),
            local_dt(local_day(days_ahead), at).astimezone(dt.timezone.utc))


def offered_to_the_first_in_line(database, clock, desk, waitlist, venue, start, in_line):
    """The first of `in_line`'s entry and offer (each joined, in that order, for the court at `start`):
    the slot a holder booked and cancelled."""
    court, holder = venue.courts[0].id, someone("player")
    taken = desk.book(holder, court, start)
    for player in in_line:
        clock.now += dt.timedelta(seconds=1)
        waitlist.join(database, player, venue.venue.id, court, start, start + dt.timedelta(hours=1), 60)
    desk.bookings.cancel(database, holder, taken.id, "")
    waitlist.offer_freed(database, court, taken.start_time, taken.end_time)  # what the consumer does
    [offered] = waitlist.list_mine(database, in_line[0], 0, "").items
    return offered


def test_the_offer_passes_to_the_second_player_when_the_first_lets_it_expire(database):
    clock, desk, waitlist, venue, start = a_venue_with_a_waitlist(database, "Waitlist Padel", 2, "19:00")
    job = BookingJob(desk.bookings, database, interval_seconds=60, waitlist=waitlist)
    court = venue.courts[0].id
    holder, first, second, walk_in = (someone("player") for _ in range(4))
    taken = desk.book(holder, court, start)

    window = (start - dt.timedelta(hours=1), start + dt.timedelta(hours=2))
    in_line = []
    for player in (first, second):
        clock.now += dt.timedelta(seconds=1)
        in_line.append(waitlist.join(database, player, venue.venue.id, "", *window, 60).entry)
    assert [e.state for e in in_line] == ["waiting", "waiting"]

    desk.bookings.cancel(database, holder, taken.id, "")
    waitlist.offer_freed(database, court, taken.start_time, taken.end_time)  # what the consumer does
    [offered] = waitlist.list_mine(database, first, 0, "").items
    assert offered.entry.state == "offered" and offered.offer.start_time == start
    assert waitlist.list_mine(database, second, 0, "").items[0].offer is None
    # The slot is held for the first in line alone: a direct booking loses in the database.
    with pytest.raises(Conflict):
        desk.book(walk_in, court, start)
    waitlist.offer_freed(database, court, taken.start_time, taken.end_time)  # the event again: no second offer
    assert waitlist.list_mine(database, second, 0, "").items[0].offer is None

    clock.now += dt.timedelta(minutes=9)
    job.run_once()
    assert waitlist.list_mine(database, second, 0, "").items[0].offer is None
    clock.now += dt.timedelta(minutes=2)  # past the default 10-minute window
    job.run_once()
    [again_waiting] = waitlist.list_mine(database, first, 0, "").items
    assert again_waiting.entry.state == "waiting" and again_waiting.offer is None
    [passed] = waitlist.list_mine(database, second, 0, "").items
    assert passed.entry.state == "offered"
    with pytest.raises(FailedPrecondition):
        waitlist.accept(database, first, offered.offer.id)
    with pytest.raises(NotFound):
        waitlist.accept(database, first, passed.offer.id)

    booking = waitlist.accept(database, second, passed.offer.id).booking
    assert (booking.player_id, booking.status, booking.start_time) == (second.user_id, "confirmed", start)
    assert waitlist.list_mine(database, second, 0, "").items == []
    job.run_once()
    assert desk.bookings.get(database, second, booking.id).booking.status == "confirmed"
    assert waitlist_events(database) == [
        ("WaitlistOffered", first.user_id), ("WaitlistOfferExpired", first.user_id),
        ("WaitlistOffered", second.user_id), ("WaitlistOfferAccepted", second.user_id)]
    # The acceptance carries the player's booking, no offer's hold any more: notify announces it as new.
    [(_, taken_from_line)] = outbox_events(database, "WaitlistOfferAccepted")
    assert (taken_from_line.waitlist_offer_id, taken_from_line.status) == ("", booking_pb2.BOOKING_STATUS_CONFIRMED)
    # The holds announce themselves as an offer's (notify tells nobody of them); the accepted
    # booking is the player's own, announced as any other.
    offers = {first.user_id: offered.offer.id, second.user_id: passed.offer.id}
    assert [(name, b.player_id, b.waitlist_offer_id) for name, b in outbox_events(database, "Booking")
            if b.player_id in offers] == [
        ("BookingCreated", first.user_id, offers[first.user_id]),
        ("BookingCancelled", first.user_id, offers[first.user_id]),
        ("BookingCreated", second.user_id, offers[second.user_id]),
        ("BookingConfirmed", second.user_id, "")]



def test_accepting_an_offer_the_job_is_passing_on_is_refused_never_a_server_error(database, monkeypatch):
    clock, desk, waitlist, venue, start = a_venue_with_a_waitlist(database, "Race Padel", 2, "19:00")
    first, second = someone("player"), someone("player")
    offered = offered_to_the_first_in_line(database, clock, desk, waitlist, venue, start, [first, second])
    # The player's phone still shows the offer open; the job's clock is past its window.
    on_the_phone = Clock()
    on_the_phone.now = clock.now
    players_waitlist = Waitlist(desk.bookings, on_the_phone)
    clock.now += dt.timedelta(minutes=11)
    accepted: list[object] = []

    def accept():
        try:
            accepted.append(players_waitlist.accept(database, first, offered.offer.id))
        except Exception as error:  # noqa: BLE001 - what the player gets back is the point
            accepted.append(error)

    if database.is_postgres:
        # The player accepts while the job's pass has expired the offer and handed the slot on, uncommitted.
        real_offer, racer = Waitlist._offer, threading.Thread(target=accept)

        def offer_then_race(self, session, *args):
            real_offer(self, session, *args)
            session.flush()
            racer.start()
            assert waits_for_a_lock(database, lambda: bool(accepted))

        monkeypatch.setattr(Waitlist, "_offer", offer_then_race)
        assert waitlist.expire_offers(database) == 1
        racer.join()
    else:
        waitlist.expire_offers(database)
        accept()
    [refused] = accepted
    assert isinstance(refused, FailedPrecondition) and "no longer open" in str(refused)
    assert waitlist.list_mine(database, second, 0, "").items[0].entry.state == "offered"


def test_a_direct_booking_before_the_offer_wins_and_entries_are_limited(database):
    _, desk, waitlist, venue, start = a_venue_with_a_waitlist(database, "Busy Padel", 3, "20:00")
    court = venue.courts[0].id
    holder, waiting, quick = (someone("player") for _ in range(3))
    taken = desk.book(holder, court, start)
    waitlist.join(database, waiting, venue.venue.id, court, start, start + dt.timedelta(hours=1), 60)
    desk.bookings.cancel(database, holder, taken.id, "")
    desk.book(quick, court, start)  # before the consumer offers the freed slot
    waitlist.offer_freed(database, court, taken.start_time, taken.end_time)
    [entry] = waitlist.list_mine(database, waiting, 0, "").items
    assert entry.entry.state == "waiting" and entry.offer is None

    with pytest.raises(InvalidArgument, match="window_end"):
        waitlist.join(database, waiting, venue.venue.id, "", start, start + dt.timedelta(minutes=30), 60)
    for hour in range(1, MAX_ACTIVE_ENTRIES):
        later = start + dt.timedelta(days=1, minutes=30 * hour)
        waitlist.join(database, waiting, venue.venue.id, "", later, later + dt.timedelta(hours=1), 60)
    with pytest.raises(FailedPrecondition, match="at most 10"):
        waitlist.join(database, waiting, venue.venue.id, "", start, start + dt.timedelta(hours=1), 60)


def test_a_window_beyond_the_venues_horizon_is_refused_naming_window_start(database):
    """No slot past the horizon can be booked, so none is ever freed; one near year 9999 was a 500."""
    _, _, waitlist, venue, start = a_venue_with_a_waitlist(database, "Far Padel", 3, "20:00")
    player = someone("player")
    far = start + dt.timedelta(days=30)
    last = dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.timezone.utc)
    for window_start, window_end in ((far, far + dt.timedelta(hours=1)), (last, last)):
        with pytest.raises(InvalidArgument) as refused:
            waitlist.join(database, player, venue.venue.id, "", window_start, window_end, 60)
        assert refused.value.fields == {"window_start": "bookings open 14 days ahead"}
    assert waitlist.list_mine(database, player, 0, "").items == []


def test_entries_whose_window_has_passed_end_and_free_their_place_in_the_limit(database):
    """A window that has passed (the slot was never freed, or a lottery's loser waited in vain) is no
    longer waited for: the entry leaves the player's list and no longer counts toward the limit."""
    clock, _, waitlist, venue, start = a_venue_with_a_waitlist(database, "Evening Padel", 1, "18:00")
    waiting = someone("player")
    for game in range(MAX_ACTIVE_ENTRIES):
        at = start + dt.timedelta(minutes=30 * game)
        waitlist.join(database, waiting, venue.venue.id, "", at, at + dt.timedelta(hours=1), 60)
    assert len(waitlist.list_mine(database, waiting, 0, "").items) == MAX_ACTIVE_ENTRIES

    clock.now = start + dt.timedelta(hours=1, minutes=30)  # the first two windows are over
    assert len(waitlist.list_mine(database, waiting, 0, "").items) == MAX_ACTIVE_ENTRIES - 2
    later = start + dt.timedelta(days=1)
    waitlist.join(database, waiting, venue.venue.id, "", later, later + dt.timedelta(hours=1), 60)
    waitlist.join(database, waiting, venue.venue.id, "", later, later + dt.timedelta(hours=1), 60)
    with pytest.raises(FailedPrecondition, match="at most 10"):
        waitlist.join(database, waiting, venue.venue.id, "", later, later + dt.timedelta(hours=1), 60)


def test_a_moved_bookings_old_slot_is_offered_to_the_first_in_line(database):
    """A move frees the slot it leaves as a cancellation does: booking_svc's own consumer, handling
    the move's BookingRescheduled, offers the old slot to the first waiting player."""
    _, desk, waitlist, venue, start = a_venue_with_a_waitlist(database, "Moving Padel", 2, "19:00")
    court = venue.courts[0].id
    holder, waiting = someone("player"), someone("player")
    taken = desk.book(holder, court, start)
    waitlist.join(database, waiting, venue.venue.id, court, start, start + dt.timedelta(hours=2), 60)

    desk.bookings.update(database, holder, taken.id, {"start_time": start + dt.timedelta(hours=3)})
    [(_, moved)] = outbox_messages(database, "BookingRescheduled")
    handled = consumers.consumer(database, None, desk.bookings, waitlist, None, None)._handle(
        "padel.booking.events", b"1-0", {b"id": b"moved-1", b"type": moved.DESCRIPTOR.full_name.encode(),
                                         b"data": moved.SerializeToString()})
    assert handled
    [entry] = waitlist.list_mine(database, waiting, 0, "").items
    assert entry.entry.state == "offered"
    assert (entry.offer.court_id, entry.offer.start_time) == (court, start)


def test_a_burst_of_joins_from_one_player_stays_within_the_limit(database):
    """Joins sent at once by one player: the count and the new entry are one step, so no more than
    MAX_ACTIVE_ENTRIES wait, however many arrive together."""
    _, _, waitlist, venue, start = a_venue_with_a_waitlist(database, "Crowded Padel", 2, "09:00")
    player, tries = someone("player"), MAX_ACTIVE_ENTRIES + 5
    barrier = threading.Barrier(tries)

    def attempt(n: int) -> str:
        window_start = start + dt.timedelta(minutes=30 * n)
        barrier.wait()
        try:
            waitlist.join(database, player, venue.venue.id, "", window_start, window_start + dt.timedelta(hours=1), 60)
            return "waiting"
        except FailedPrecondition:
            return "refused"

    with futures.ThreadPoolExecutor(tries) as pool:
        outcomes = list(pool.map(attempt, range(tries)))
    assert sorted(outcomes) == ["refused"] * 5 + ["waiting"] * MAX_ACTIVE_ENTRIES
    assert len(waitlist.list_mine(database, player, 100, "").items) == MAX_ACTIVE_ENTRIES


def test_a_freed_slot_is_offered_to_each_waiting_player_once_however_many_entries_they_hold(database):
    """A player who let an offer run out is not offered the same slot again through another of their
    entries: one player with several entries covering it held the court offer after offer while
    the next in line waited."""
    clock, desk, waitlist, venue, start = a_venue_with_a_waitlist(database, "Waitlist Hog Padel", 2, "19:00")
    job = BookingJob(desk.bookings, database, interval_seconds=60, waitlist=waitlist)
    court = venue.courts[0].id
    holder, hog, next_in_line = (someone("player") for _ in range(3))
    taken = desk.book(holder, court, start)
    window = (start - dt.timedelta(hours=1), start + dt.timedelta(hours=2))
    for player, court_id in ((hog, ""), (hog, court), (hog, ""), (next_in_line, "")):
        clock.now += dt.timedelta(seconds=1)
        waitlist.join(database, player, venue.venue.id, court_id, *window, 60)

    desk.bookings.cancel(database, holder, taken.id, "")
    waitlist.offer_freed(database, court, taken.start_time, taken.end_time)
    assert [e.entry.state for e in waitlist.list_mine(database, hog, 0, "").items].count("offered") == 1
    clock.now += dt.timedelta(minutes=11)  # past the default 10-minute window
    job.run_once()
    assert "offered" not in [e.entry.state for e in waitlist.list_mine(database, hog, 0, "").items]
    [passed] = waitlist.list_mine(database, next_in_line, 0, "").items
    assert passed.entry.state == "offered" and passed.offer.start_time == start


def test_an_offers_hold_stays_on_the_freed_slot_until_accepted_and_then_moves_as_any_booking(database):
    """The hold an offer keeps is the line's, not yet the player's booking: moving it would take a
    court the line never offered (uncounted as a hold awaiting payment) and leave the freed slot
    held for nobody (its offer still open there, so not passed on)."""
    clock, desk, waitlist, venue, start = a_venue_with_a_waitlist(database, "Offer Padel", 2, "19:00")
    first = someone("player")
    offered = offered_to_the_first_in_line(database, clock, desk, waitlist, venue, start, [first])
    elsewhere = {"start_time": start + dt.timedelta(hours=2)}

    with pytest.raises(FailedPrecondition) as refused:
        desk.bookings.update(database, first, offered.offer.booking_id, elsewhere)
    assert "accept" in str(refused.value)
    held = desk.bookings.get(database, first, offered.offer.booking_id).booking
    assert (held.start_time, held.waitlist_offer_id) == (start, offered.offer.id)
    assert [name for name, _ in outbox_events(database, "BookingRescheduled")] == []

    accepted = waitlist.accept(database, first, offered.offer.id).booking
    moved = desk.bookings.update(database, first, accepted.id, elsewhere).booking
    assert moved.start_time == start + dt.timedelta(hours=2)


def test_an_offers_hold_is_given_up_by_leaving_the_line_not_cancelled_out_from_under_the_next_in_line(database):
    """Cancelling the offer's hold as a booking left the offer open on a free court: the next in line was
    not offered it until the window ran out, while anyone could book it directly. Leaving passes it on."""
    clock, desk, waitlist, venue, start = a_venue_with_a_waitlist(database, "Give Up Padel", 2, "19:00")
    first, second = someone("player"), someone("player")
    offered = offered_to_the_first_in_line(database, clock, desk, waitlist, venue, start, [first, second])
    owner = someone("venue_owner", user_id=venue.venue.owner_id)

    for who in (first, owner):
        with pytest.raises(FailedPrecondition) as refused:
            desk.bookings.cancel(database, who, offered.offer.booking_id, "")
        assert "leav" in str(refused.value)
        with pytest.raises(FailedPrecondition):  # nor quoted as if it could be
            desk.bookings.cancellation_preview(database, who, offered.offer.booking_id)
    assert desk.bookings.get(database, first, offered.offer.booking_id).booking.status == "pending"

    waitlist.leave(database, first, offered.entry.id)
    [passed] = waitlist.list_mine(database, second, 0, "").items
    assert (passed.entry.state, passed.offer.start_time) == ("offered", start)
