"""Courts held for open matches (issue 15): a player who opens a match on a free slot holds the court
(match_svc asks HoldCourtForMatch with the organiser's token), and from then on match_svc's events —
the trusted internal channel, no token needed — say what becomes of the hold. The hold is asked before
the match is written, so it is a saga's first step: it runs out `OPENING_WINDOW` after it was made
unless MatchOpened for its match follows (then it runs to the term asked); a match never written (a
fault in match_svc between the two, or a caller that is not match_svc, since the RPC is the player's)
holds the court minutes, not until play. A MatchOpened late (match_svc's relay or Redis down) does not
lose a real match its court: the job asks match_svc about each hold not heard opened after
`ASK_AFTER` (`check_unopened`); a match that holds it gives the hold its term as MatchOpened would,
no match lets it run out, and no answer keeps it up to `UNANSWERED_CAP` after it was made. Only
match_svc's answer gives a hold its term, so squatting stays bounded. Its seated players are
the booking's players (joining a match is the player's consent, so they are accepted at once), a
match that filled books the court, a released one gives it back.

A match opened on a court its organiser booked seats its players on that booking too, as deltas: a
player taking a seat is added (accepted, the invitation naming the match), and one leaving is taken
off only if the match added them: the booker's own invitees stay whatever the match does.

An event acts only on the booking it names when the match's organiser made it and it is that match's
hold or no match's hold at all; only a hold is booked or released by events. No event changes any
other booking. The database still decides a taken court.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

from sqlalchemy import exc
from sqlalchemy.orm import Session

from booking_svc import domain, events, metrics, store
from booking_svc.domain import InvitationState, Status
from booking_svc.service.bookings import (SLOT_TAKEN, Bookings, announce_confirmed, leaves_late, record_cancellation,
                                          reprice)
from mesh.caller import Caller
from mesh.db import UnitOfWork
from mesh.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound, Unavailable

log = logging.getLogger("padel.booking.match_holds")

# How long a hold waits for its match's MatchOpened (published the moment match_svc writes the
# match; minutes leave room for a relay or consumer restart).
OPENING_WINDOW = dt.timedelta(minutes=5)
# Holds whose match has not been heard opened an organiser may have at once: match_svc needs one at
# a time (its MatchOpened follows within a second), a retry after a fault a second.
MAX_UNOPENED_HOLDS = 3
# A hold not heard opened this long after it was made is asked about (its MatchOpened is late);
# one match_svc does not answer about is kept at most `UNANSWERED_CAP` after it was made.
ASK_AFTER = dt.timedelta(minutes=1)
UNANSWERED_CAP = dt.timedelta(minutes=30)
# Holds asked about in one pass of the job (at most three per organiser are ever unopened).
ASKED_PER_PASS = 100

RELEASED = "the open match did not fill in time: the court is free again"


class MatchBook(Protocol):
    def holds_court(self, match_id: str, booking_id: str) -> bool:
        """Whether match_svc has the match on that booking, not called off; Unavailable if it does not answer."""


class MatchHolds:
    def __init__(self, bookings: Bookings, matches: MatchBook):
        self.bookings = bookings
        self.matches = matches

    def hold(self, uow: UnitOfWork, caller: Caller, match_id: str, court_id: str, start: dt.datetime,
             duration: int, hold_until: dt.datetime) -> store.BookingView:
        """A pending booking of the caller's that holds the court, checked and priced like any booking,
        until `hold_until` once its match is heard opened (until then `OPENING_WINDOW`); the same
        match again returns the same hold."""
        now = self.bookings.clock()
        if not now < hold_until <= start:
            raise InvalidArgument.field("hold_until", "must be after now and no later than start_time")
        key = f"match-hold:{match_id}"
        fingerprint = domain.request_fingerprint(court_id, start, duration, [], key)
        try:
            with uow.session() as session:
                earlier = self.bookings.earlier(session, caller.user_id, key, fingerprint)
                if earlier is not None:
                    return earlier
                court, venue = store.court_with_venue(session, court_id)
                if court is None:
                    raise NotFound(f"no court {court_id}")
                if store.unopened_match_holds(session, caller.user_id, now) >= MAX_UNOPENED_HOLDS:
                    raise FailedPrecondition(f"you hold {MAX_UNOPENED_HOLDS} courts for matches not opened yet; "
                                             "try again in a few minutes", reason="MATCH_HOLDS_UNOPENED")
                day, end, price = self.bookings.place(session, venue, court, start, duration, caller.user_id, now)
                view = self.bookings.insert(session, venue, court, caller.user_id, [], start, end, day, price, "",
                                             key, fingerprint, now, hold_until=min(hold_until, now + OPENING_WINDOW),
                                             match_id=match_id)
                view.booking.match_hold_until = hold_until
                return view
        except exc.IntegrityError as error:
            # The same request racing itself made the hold; else the slot went, or another player's
            # request named this match.
            with uow.session(read_only=True) as session:
                earlier = self.bookings.earlier(session, caller.user_id, key, fingerprint)
            if earlier is not None:
                return earlier
            if store.is_slot_taken(error):
                raise Conflict(SLOT_TAKEN, reason="SLOT_TAKEN") from None
            raise Conflict("this match holds a court already", reason="MATCH_HELD") from None

    def opened(self, uow: UnitOfWork, match_id: str, booking_id: str, organiser_id: str) -> None:
        """MatchOpened: the match a hold was made for exists, so the hold runs to the term asked. One that
        ran out waiting stays run out (the job gives the court back and match_svc releases the match)."""
        now = self.bookings.clock()
        with uow.session() as session:
            # Locked: the job, taking run-out holds with SKIP LOCKED, does not cancel it meanwhile.
            booking = session.get(store.Booking, booking_id, with_for_update=True) if booking_id else None
            if booking is None or booking.match_id is None:
                return  # a match on the organiser's own booking: no hold waits for it
            if _of_match(booking, match_id, organiser_id, hold=True) and _waiting(booking, now):
                _open(booking, now)

    def check_unopened(self, uow: UnitOfWork) -> int:
        """The job asks match_svc about each live hold not heard opened `ASK_AFTER` after it was made:
        held → its term (as MatchOpened); not held → its first minutes only; no answer → kept up to
        `UNANSWERED_CAP` after it was made (never past its term). How many holds were asked about."""
        now = self.bookings.clock()
        with uow.session(read_only=True) as session:
            late = store.late_match_holds(session, now - ASK_AFTER, now, ASKED_PER_PASS)
        answering = True  # after one call that match_svc did not answer, the pass asks no more
        for booking_id, match_id in late:
            held: bool | None = None
            if answering:
                try:
                    held = self.matches.holds_court(match_id, booking_id)
                except Unavailable:
                    answering = False
            with uow.session() as session:
                booking = session.get(store.Booking, booking_id, with_for_update=True)
                if booking is None or not _waiting(booking, now):
                    continue  # heard opened, booked or cancelled meanwhile
                if held:
                    _open(booking, now)
                    continue
                term = booking.created_at + (OPENING_WINDOW if held is False else UNANSWERED_CAP)
                booking.hold_expires_at = min(term, booking.match_hold_until)
                booking.updated_at = now
                if held is None:
                    log.warning("match_svc did not answer about a court hold: kept a while",
                                extra={"match_id": match_id, "booking_id": booking_id})
        return len(late)

    def seated(self, uow: UnitOfWork, match_id: str, booking_id: str, organiser_id: str,
               player_ids: list[str], leaver: str = "") -> None:
        """The match's seated players are players of its booking (BookingParticipantsChanged: payments
        re-splits the shares). `leaver` left the match of their own accord: after the venue's
        free-cancellation time (its policy, as for cancelling) they left late, and payments does not
        refund their paid share until a newcomer takes their place and pays."""
        with uow.session() as session:
            view = self._booking(session, match_id, booking_id, organiser_id, hold=False)
            if view is not None:
                self._seat(session, view, match_id, player_ids, self.bookings.clock(), leaver)

    def filled(self, uow: UnitOfWork, match_id: str, booking_id: str, organiser_id: str,
               player_ids: list[str]) -> None:
        """The match has its players: the held court is booked (a hold no longer pending stays as it is)."""
        now = self.bookings.clock()
        with uow.session() as session:
            view = self._booking(session, match_id, booking_id, organiser_id, hold=True)
            if view is None:
                return
            self._seat(session, view, match_id, player_ids, now)
            booking = view.booking
            if booking.state != Status.PENDING:
                return
            booking.status = domain.transition(booking.state, Status.CONFIRMED).value
            booking.hold_expires_at, booking.updated_at = None, now
            session.flush()
            announce_confirmed(session, view)

    def released(self, uow: UnitOfWork, match_id: str, booking_id: str, organiser_id: str) -> None:
        """The match did not fill: a hold still pending is cancelled free of charge, the court freed."""
        now = self.bookings.clock()
        with uow.session() as session:
            view = self._booking(session, match_id, booking_id, organiser_id, hold=True)
            if view is None or view.booking.state != Status.PENDING:
                return
            record_cancellation(view.booking, RELEASED, None, now, 0, view.booking.price_paisa)
            session.flush()
            events.cancelled(session, view)
            metrics.cancelled(session, view.venue.id, "expired")

    @staticmethod
    def _booking(session: Session, match_id: str, booking_id: str, organiser_id: str,
                 *, hold: bool) -> store.BookingView | None:
        """The booking the event names, if the match's organiser made it and it holds the court for this
        match (or, unless `hold`, holds it for no match: the organiser's own booking); else None."""
        booking = session.get(store.Booking, booking_id) if booking_id else None
        if booking is None or not _of_match(booking, match_id, organiser_id, hold=hold):
            return None
        return store.booking_view(session, booking)

    @staticmethod
    def _seat(session: Session, view: store.BookingView, match_id: str, player_ids: list[str],
              now: dt.datetime, leaver: str = "") -> None:
        """The seated players are accepted players (the organiser is the booker), for a game ahead; a
        player off the match leaves the booking if the match put them there (every player of its hold)."""
        booking = view.booking
        if booking.state not in (Status.PENDING, Status.CONFIRMED) or booking.start_time <= now:
            return
        seated = [p for p in dict.fromkeys(player_ids) if p != booking.player_id]
        closed = store.closed_of(session, [p for p in seated if p not in booking.participant_ids])
        seated = [p for p in seated if p not in closed]  # an event sent before match_svc heard of a deletion
        known = {i.player_id: i for i in booking.invitations}
        added = [p for p in seated if p not in booking.participant_ids]
        removed = [p for p in booking.participant_ids if p not in seated and (
            booking.match_id == match_id or (p in known and known[p].match_id == match_id))]
        for player_id in seated:  # joining is consent: an invitation still unanswered is accepted
            invitation = known.get(player_id)
            if invitation is not None and invitation.answer is InvitationState.PENDING:
                invitation.state, invitation.answered_at = InvitationState.ACCEPTED.value, now
        if not added and not removed:
            return
        left_late = [leaver] if leaver in removed and leaves_late(session, view, leaver, now) else []
        for invitation in [i for i in booking.invitations if i.player_id in removed]:
            booking.invitations.remove(invitation)
        for player_id in added:
            invitation = known.get(player_id)
            if invitation is None:
                booking.invitations.append(store.Invitation(player_id=player_id, state=InvitationState.ACCEPTED.value,
                                                            invited_at=now, answered_at=now, match_id=match_id))
            else:  # declined the booker's invitation, then took a seat: now the match's
                invitation.state, invitation.answered_at = InvitationState.ACCEPTED.value, now
                invitation.match_id = match_id
        booking.participant_ids = [*(p for p in booking.participant_ids if p not in removed), *added]
        booking.updated_at = now
        reprice(session, view, now)  # each seated player's share (a member's at their price)
        session.flush()
        events.participants_changed(session, view, added, removed, left_late)


def _waiting(booking: store.Booking, now: dt.datetime) -> bool:
    """A live hold that has not been heard opened yet."""
    return (booking.state == Status.PENDING and booking.match_hold_until is not None
            and booking.hold_expires_at > now)


def _open(booking: store.Booking, now: dt.datetime) -> None:
    """The hold's match exists: the hold runs to the term asked."""
    booking.hold_expires_at, booking.match_hold_until = booking.match_hold_until, None
    booking.updated_at = now


def _of_match(booking: store.Booking, match_id: str, organiser_id: str, *, hold: bool) -> bool:
    """Whether the match's organiser made the booking and it holds the court for this match (or, unless
    `hold`, for no match: the organiser's own booking); an event about any other is logged and ignored."""
    of_match = booking.match_id == match_id or (not hold and booking.match_id is None)
    if not of_match or booking.player_id != organiser_id:
        log.warning("match event about a booking that is not its match's: ignored",
                    extra={"match_id": match_id, "booking_id": booking.id})
        return False
    return True
