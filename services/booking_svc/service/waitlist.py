"""A fair waitlist: players join the line for a taken slot (a court or any court of a venue, a time
window); a freed slot (a cancellation, a hold run out) is offered to ONE waiting player at a time, in
joining order, for the venue's exclusive window; when it runs out (the waitlist job), the next (a
player is offered a slot once, however many of their entries it fits).

An offer is a pending booking held for the offered player until the window ends: the database's
no-double-booking invariant decides a race between an offer and a direct booking (one wins), and
accepting makes that booking the player's. Offers, acceptances and expiries are published in the
change's transaction (notify tells the player).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlalchemy import exc
from sqlalchemy.orm import Session

from booking_svc import domain, events, store
from booking_svc.domain import Status
from booking_svc.service import rows
from booking_svc.service.bookings import ACCOUNT_CLOSED, Bookings
from booking_svc.service.series import terms_of
from booking_svc.store import EntryView
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, new_id
from mesh.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound
from mesh.pager import Page

# How many entries one player may have waiting or offered at once (an entry whose window has passed is over).
MAX_ACTIVE_ENTRIES = 10
# The widest window one entry may wait for.
LONGEST_WINDOW = dt.timedelta(days=1)
WAITING, OFFERED, BOOKED, LEFT = "waiting", "offered", "booked", "left"
OPEN, ACCEPTED, EXPIRED = "open", "accepted", "expired"
NOT_OPEN = "this offer is no longer open"


class Waitlist:
    """The line for taken slots and the offers of freed ones."""

    def __init__(self, bookings: Bookings, clock: Callable[[], dt.datetime] = utcnow):
        self.bookings = bookings
        self.clock = clock

    def join(self, uow: UnitOfWork, caller: Caller, venue_id: str, court_id: str, window_start: dt.datetime,
             window_end: dt.datetime, duration: int) -> EntryView:
        now = self.clock()
        with uow.session() as session:
            venue = rows.venue(session, venue_id)
            if court_id:
                rows.court_at(session, venue, court_id)
            rules = rows.rules_of(venue)
            domain.check_duration(rules, duration)
            if window_start <= now:
                raise InvalidArgument.field("window_start", "is in the past")
            domain.check_near_horizon(rules.horizon_days, window_start, now, "window_start")  # no slot beyond it ever frees
            if window_end < window_start + dt.timedelta(minutes=duration):
                raise InvalidArgument.field("window_end", "leaves no room for a game of that length")
            if window_end - window_start > LONGEST_WINDOW:
                raise InvalidArgument.field("window_end", "a window is at most a day long")
            if store.active_entries_of(session, caller.user_id, now) >= MAX_ACTIVE_ENTRIES:
                raise FailedPrecondition(f"a player may wait for at most {MAX_ACTIVE_ENTRIES} slots at once")
            entry = store.WaitlistEntry(
                id=new_id(), venue_id=venue.id, court_id=court_id or None, player_id=caller.user_id,
                window_start=window_start, window_end=window_end, duration_minutes=duration, state=WAITING,
                joined_at=now)
            session.add(entry)
            session.flush()
            return EntryView(entry)

    def list_mine(self, uow: UnitOfWork, caller: Caller, page_size: int, page_token: str) -> Page[EntryView]:
        """The caller's entries waiting or offered, until their window has passed."""
        with uow.session(read_only=True) as session:
            found = store.entries_page(session, caller.user_id, self.clock(), page_size, page_token)
            return Page([EntryView(e, store.open_offer_of(session, e.id)) for e in found.items],
                        found.next_page_token)

    def leave(self, uow: UnitOfWork, caller: Caller, entry_id: str) -> None:
        """The caller's entry leaves the line; an open offer is given up and passes to the next."""
        now = self.clock()
        with uow.session() as session:
            entry = session.get(store.WaitlistEntry, entry_id)
            if entry is None or entry.player_id != caller.user_id:
                raise NotFound(f"no waitlist entry {entry_id} of yours")
            offer = store.open_offer_of(session, entry.id)
            if offer is not None:
                held = rows.booking(session, offer.booking_id)
                self.bookings.cancel_in(session, held, "waitlist offer given up", caller.user_id, "player", now)
                self._close(session, offer, now)
            entry.state = LEFT

    def accept(self, uow: UnitOfWork, caller: Caller, offer_id: str) -> store.BookingView:
        """The offered slot becomes the caller's booking while the offer is open: confirmed, or held
        for the venue's confirmation where the venue confirms by hand."""
        now = self.clock()
        try:
            with uow.session() as session:
                # The offer and its hold locked: the job expiring them meanwhile goes first or waits.
                offer = session.get(store.WaitlistOffer, offer_id, with_for_update=True)
                entry = session.get(store.WaitlistEntry, offer.entry_id) if offer else None
                if entry is None or entry.player_id != caller.user_id:
                    raise NotFound(f"no waitlist offer {offer_id} to you")
                session.get(store.Booking, offer.booking_id, with_for_update=True)
                view = rows.booking(session, offer.booking_id)
                if offer.state != OPEN or offer.expires_at <= now or view.booking.state != Status.PENDING:
                    raise FailedPrecondition(NOT_OPEN)
                booking = view.booking
                # The player's own hold from now on: one more awaiting their payment where the venue is paid online.
                self.bookings.check_unpaid_holds(self.bookings.unpaid_holds(session, view.venue, caller.user_id, now))
                booking.waitlist_offer_id = None  # the player's booking now, told of as any other
                if view.venue.instant_confirmation:
                    booking.status = domain.transition(booking.state, Status.CONFIRMED).value
                    booking.hold_expires_at = None
                    events.confirmed(session, view)
                else:
                    booking.hold_expires_at = now + dt.timedelta(minutes=view.venue.hold_minutes)
                booking.updated_at = now
                offer.state, entry.state = ACCEPTED, BOOKED
                session.flush()
                events.waitlist_accepted(session, offer, view)
                return view
        except exc.IntegrityError:
            raise Conflict(f"{NOT_OPEN}: the slot was taken meanwhile") from None

    def close_account(self, uow: UnitOfWork, user_id: str) -> None:
        """auth's AccountDeleted: the person's entries and offers are gone; the slot an open offer
        held for them is released and offered to the next in line at once. Handled again, nothing."""
        now = self.clock()
        with uow.session() as session:
            released = store.open_offers_to(session, user_id)
            for offer in released:
                held = rows.booking(session, offer.booking_id)
                self.bookings.cancel_in(session, held, ACCOUNT_CLOSED, user_id, "account_closed", now)
            slots = [(offer.court_id, offer.start_time, offer.end_time) for offer in released]
            session.flush()
            store.delete_waitlist_of(session, user_id)
            for slot in slots:
                self._offer(session, *slot, now)

    # -- freed slots and run-out offers -------------------------------------------------------------

    def offer_freed(self, uow: UnitOfWork, court_id: str, start: dt.datetime, end: dt.datetime) -> None:
        """A slot was freed (a booking cancelled or its hold run out): offered to the first in line."""
        with uow.session() as session:
            self._offer(session, court_id, start, end, self.clock())

    def expire_offers(self, uow: UnitOfWork) -> int:
        """Offers whose window ran out expire (their holds released), each passing to the next in line."""
        now = self.clock()
        with uow.session() as session:
            run_out = store.run_out_offers(session, now)
            for offer in run_out:
                self.bookings.expire_holds_in(session, now, offer.court_id)
                self._close(session, offer, now)
            return len(run_out)

    def _close(self, session: Session, offer: store.WaitlistOffer, now: dt.datetime) -> None:
        """An offer not taken: its entry waits again (its player is not offered this slot again), the next gets it."""
        offer.state = EXPIRED
        session.get(store.WaitlistEntry, offer.entry_id).state = WAITING
        session.flush()
        events.waitlist_expired(session, offer, rows.booking(session, offer.booking_id))
        self._offer(session, offer.court_id, offer.start_time, offer.end_time, now)

    def _offer(self, session: Session, court_id: str, start: dt.datetime, end: dt.datetime,
               now: dt.datetime) -> store.WaitlistOffer | None:
        """Holds the slot for the first waiting entry it fits and who may book it; None when nobody
        waits, the slot is already on offer, or a direct booking took it first (the database decides)."""
        if start <= now or store.open_offer_on(session, court_id, start) is not None:
            return None
        court, venue = store.court_with_venue(session, court_id)
        window = dt.timedelta(minutes=terms_of(session, venue.id).waitlist_offer_minutes)
        for entry in store.next_in_line(session, venue.id, court_id, start, end):
            offer_id = new_id()
            try:
                with session.begin_nested():
                    day, game_end, price = self.bookings.place(session, venue, court, start, entry.duration_minutes,
                                                                entry.player_id, now)
                    view = self.bookings.insert(session, venue, court, entry.player_id, [], start, game_end, day,
                                                 price, "", f"waitlist:{offer_id}", "", now, hold_until=now + window,
                                                 waitlist_offer_id=offer_id)
                    offer = store.WaitlistOffer(
                        id=offer_id, entry_id=entry.id, booking_id=view.booking.id, court_id=court_id,
                        start_time=start, end_time=game_end, expires_at=now + window, state=OPEN, created_at=now)
                    entry.state = OFFERED
                    session.add(offer)
                    session.flush()
                    events.waitlist_offered(session, offer, view)
                    return offer
            except (InvalidArgument, FailedPrecondition):
                continue  # this player may not book it (e.g. their daily limit): the next may
            except exc.IntegrityError as error:
                if store.is_slot_taken(error):
                    return None
                raise
        return None
