"""The booking life cycle: book (idempotent), see, list, move, change players, cancel by the venue's
policy, the venue's steps (confirm, check in, complete, no-show), the job's work (run-out holds,
finished games) and what a closed account leaves behind.

Whether a court is free at a time the database decides: a court taken then → Conflict (HTTP 409),
nothing written. Every change writes its event (and counts its metric after the commit) in the
change's own transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any, Callable, Protocol, Sequence

from sqlalchemy import exc
from sqlalchemy.orm import Session

from booking_svc import domain, events, metrics, store
from booking_svc.domain import InvitationState, Status
from booking_svc.service import rows
from booking_svc.service.memberships import benefits_of, holds_no_membership, player_prices
from booking_svc.service.setups import VenueSetups
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.commission import commission_on
from mesh.db import UnitOfWork, new_id
from mesh.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from mesh.pager import Page

log = logging.getLogger("padel.booking")

SLOT_TAKEN = "this slot was just taken; choose another time"
KEY_REUSED = "this idempotency key was already used for a different booking request"
ACCOUNT_CLOSED = "the player's account was closed"
# A waitlist offer's hold is the line's on the freed slot: moved, it would take a court the line never
# offered (uncounted as awaiting payment) and, cancelled, leave its offer open on a free court, passed
# on to nobody until the window ran out. Leaving the line gives it up and passes it on.
OFFER_HOLD = ("this court is held for a waitlist offer: accept it before changing it, or give it up by "
              "leaving the waitlist")
# `Bookings.insert`'s default: read the booker in the transaction.
LOOK_UP = object()


def announce_confirmed(session: Session, view: store.BookingView, series_id: str = "", lottery_id: str = "") -> None:
    events.confirmed(session, view, series_id, lottery_id)
    metrics.confirmed(session, view.venue.id, view.booking.price_paisa)


def _checked_in(_session: Session, _view: store.BookingView) -> None:
    """A game under way announces nothing."""


def _invite(session: Session, view: store.BookingView, player_ids: list[str], now: dt.datetime) -> None:
    """Pending invitations for `player_ids` (a declined player invited again is asked again), each
    announced (InvitationSent)."""
    if not player_ids:
        return
    booking = view.booking
    known = {i.player_id: i for i in booking.invitations}
    for player_id in player_ids:
        invitation = known.get(player_id)
        if invitation is None:
            booking.invitations.append(store.Invitation(player_id=player_id, state=InvitationState.PENDING.value,
                                                        invited_at=now))
        else:
            invitation.state, invitation.invited_at, invitation.answered_at = InvitationState.PENDING.value, now, None
    session.flush()
    for player_id in player_ids:
        events.invitation_sent(session, view, player_id)


def _uninvite(booking: store.Booking, player_ids: list[str]) -> None:
    """The booker took these players off: their invitations go."""
    for invitation in [i for i in booking.invitations if i.player_id in player_ids]:
        booking.invitations.remove(invitation)


def _price(session: Session, view: store.BookingView, now: dt.datetime) -> None:
    """Prices the booking for its players: each one's share of the court's price (a member's own share
    at their member price), adding up to the booking's price."""
    booking = view.booking
    court_price = booking.court_price_paisa if booking.court_price_paisa is not None else booking.price_paisa
    shares = player_prices(session, view.venue, booking.court_id, booking.start_time, court_price,
                           [booking.player_id, *booking.participant_ids], now)
    booking.court_price_paisa = court_price
    booking.player_prices = [[player, paisa] for player, paisa in shares]
    booking.price_paisa = sum(paisa for _, paisa in shares)
    booking.commission_paisa = domain.percent_of(booking.price_paisa, booking.commission_percent)


def reprice(session: Session, view: store.BookingView, now: dt.datetime) -> None:
    """Prices a booking again (moved, or its players changed); a confirmed one's change of price is
    revenue gained or given back."""
    before = view.booking.price_paisa
    _price(session, view, now)
    if view.booking.state != Status.PENDING:  # its price is counted as revenue since it was confirmed
        metrics.repriced(session, view.venue.id, before, view.booking.price_paisa)


def _rules_for(session: Session, venue: store.Venue, player_id: str, now: dt.datetime) -> domain.VenueRules:
    """The venue's rules as they hold for the player (a member books further ahead, more a day, and
    cancels for free until later)."""
    return benefits_of(session, venue.id, player_id, now).rules(rows.rules_of(venue))


def leaves_late(session: Session, view: store.BookingView, player_id: str, now: dt.datetime) -> bool:
    """Whether a player leaving a booking of their own accord now (a match's player leaving it, an
    invited player declining, an account closed) leaves late: after the venue's free-cancellation
    time for them (its policy, from when they took the place), as cancelling would be. Only a place
    taken is left late: a match's seat or an accepted invitation, not one never accepted."""
    booking = view.booking
    invitation = next((i for i in booking.invitations if i.player_id == player_id), None)
    if invitation is None and booking.match_id is None:
        return False
    if invitation is not None and invitation.answer is not InvitationState.ACCEPTED:
        return False
    joined = invitation.answered_at or invitation.invited_at if invitation is not None else None
    return domain.is_late(_rules_for(session, view.venue, player_id, now), booking.start_time, now, booking.state,
                          joined)


def record_cancellation(booking: store.Booking, reason: str, by: str | None, now: dt.datetime,
                         fee: int, refund: int) -> None:
    booking.status = Status.CANCELLED.value
    booking.cancel_reason, booking.cancelled_by, booking.cancelled_at = reason, by, now
    booking.cancellation_fee_paisa, booking.refund_paisa = fee, refund
    booking.cancellation_commission_paisa = commission_on(booking.commission_paisa, booking.price_paisa, fee)
    booking.hold_expires_at = None
    booking.updated_at = now


class Invitable(Protocol):
    """Who may be invited (user_svc's players, `booking_svc.players.Players`)."""

    def check_invitable(self, booker: Caller, player_ids: Sequence[str]) -> None: ...


class Bookings:
    """The booking life cycle; `commission_percent` is the platform's share, recorded on each booking;
    `players` says who the booker may invite (asked before the transaction: it is a network call)."""

    def __init__(self, setups: VenueSetups, commission_percent: int, players: Invitable,
                 clock: Callable[[], dt.datetime] = utcnow, max_unpaid_holds: int = 2):
        self.setups = setups
        self.commission_percent = commission_percent
        self.players = players
        self.clock = clock
        self.max_unpaid_holds = max_unpaid_holds

    # -- booking ------------------------------------------------------------------------------------

    @staticmethod
    def earlier(session: Session, player_id: str, key: str, fingerprint: str) -> store.BookingView | None:
        """The booking an earlier request with this key made, if the body is the same; else Conflict."""
        earlier = store.booking_by_key(session, player_id, key)
        if earlier is None:
            return None
        if earlier.request_fingerprint != fingerprint:
            raise Conflict(KEY_REUSED, reason="IDEMPOTENCY_KEY_REUSED")
        return store.booking_view(session, earlier)

    def player_for(self, uow: UnitOfWork, caller: Caller, court_id: str, player_id: str, player_phone: str) -> str:
        """Whose booking of `court_id` the caller makes (`rows.player_booked_for`): read before the
        booking's transaction, since whom the players are invited by is asked over the network."""
        if not (player_id or player_phone):
            return caller.user_id
        with uow.session(read_only=True) as session:
            _court, venue = store.court_with_venue(session, court_id)
            if venue is None:
                raise NotFound(f"no court {court_id}")
            return rows.player_booked_for(session, caller, venue, player_id, player_phone)

    def book(self, uow: UnitOfWork, caller: Caller, court_id: str, start: dt.datetime, duration: int,
             participant_ids: list[str], special_requests: str, idempotency_key: str, player_id: str = "",
             player_phone: str = "") -> store.BookingView:
        """A booking for the caller, or for the customer the venue's owner names (`player_id` or
        `player_phone`), whose booking it is; the same key and body again return the same booking."""
        fingerprint = domain.request_fingerprint(court_id, start, duration, participant_ids, special_requests)
        player_id = self.player_for(uow, caller, court_id, player_id, player_phone)
        domain.check_booked_alone(caller.user_id, player_id, participant_ids)
        self.players.check_invitable(caller, participant_ids)
        now = self.clock()
        try:
            with uow.session() as session:
                # One statement for the court's venue, an earlier use of the key and the booker; the
                # venue and court come from the kept setup (current by the version read here).
                placing = store.placing(session, court_id, player_id, idempotency_key)
                if placing is None or placing.earlier_id is not None:
                    earlier = self.earlier(session, player_id, idempotency_key, fingerprint)
                    if earlier is not None:
                        return earlier
                if placing is None:
                    raise NotFound(f"no court {court_id}")
                if not placing.member:
                    holds_no_membership(session, placing.venue_id, player_id)
                setup = self.setups.current(session, placing.venue_id, placing.setup_version)
                venue, court = setup.venue, setup.court(court_id)
                domain.check_participants(player_id, participant_ids)
                # Counted before `place` takes the daily limit's lock: a series takes the two in this order too.
                # The owner's booking for a customer is the venue holding its own court: not limited.
                if player_id == caller.user_id:
                    self.check_unpaid_holds(self.unpaid_holds(session, venue, player_id, now))
                day, end, price = self.place(session, venue, court, start, duration, player_id, now)
                return self.insert(session, venue, court, player_id, list(participant_ids), start, end, day,
                                    price, special_requests, idempotency_key, fingerprint, now,
                                    player=placing.player, booked_by=caller.user_id)
        except exc.IntegrityError as error:
            # A twin request with the same key may have won the race; else the slot went.
            with uow.session(read_only=True) as session:
                earlier = self.earlier(session, player_id, idempotency_key, fingerprint)
            if earlier is not None:
                return earlier
            if store.is_slot_taken(error):
                raise Conflict(SLOT_TAKEN, reason="SLOT_TAKEN") from None
            raise

    @staticmethod
    def unpaid_holds(session: Session, venue: store.Venue, player_id: str, now: dt.datetime) -> int | None:
        """How many bookings the player holds awaiting online payment (counted under the limit's lock),
        where a booking at `venue` would be one more (held until paid online); else None: not limited."""
        if venue.instant_confirmation or venue.paid_at_venue:
            return None
        return store.unpaid_holds(session, player_id, now)

    def check_unpaid_holds(self, unpaid: int | None) -> None:
        """Refuses one more hold awaiting payment past the player's limit (UNPAID_HOLDS_LIMIT)."""
        if unpaid is not None:
            domain.check_unpaid_holds(self.max_unpaid_holds, unpaid)

    def insert(self, session: Session, venue: store.Venue, court: store.Court, player_id: str,
                participant_ids: list[str], start: dt.datetime, end: dt.datetime, day: dt.date, price: int,
                special_requests: str, idempotency_key: str, fingerprint: str, now: dt.datetime,
                hold_until: dt.datetime | None = None, waitlist_offer_id: str | None = None,
                series_id: str = "", match_id: str | None = None, lottery_id: str = "",
                player: store.Player | None | object = LOOK_UP, booked_by: str = "") -> store.BookingView:
        """Writes a placed game (held, or confirmed at once by the venue's mode; held until
        `hold_until` when given, as a waitlist offer `waitlist_offer_id` or the hold of match `match_id`
        is), invites its players and announces it (as a game of `series_id`, when given: the series is
        told of as a whole; as the win of lottery `lottery_id`: its draw tells the winner). `player` is
        the booking's player as booking_svc knows them (None: not heard of), if already read;
        `booked_by` who booked it, when they asked (they are not told of it)."""
        instant = venue.instant_confirmation and hold_until is None
        status = Status.CONFIRMED if instant else Status.PENDING
        booking = store.Booking(
            id=new_id(), venue_id=venue.id, court_id=court.id, player_id=player_id,
            participant_ids=participant_ids, start_time=start, end_time=end, opening_date=day,
            duration_minutes=int((end - start).total_seconds() // 60), status=status.value, price_paisa=price,
            court_price_paisa=price, commission_percent=self.commission_percent,
            special_requests=special_requests,
            hold_expires_at=None if instant else hold_until or now + dt.timedelta(minutes=venue.hold_minutes),
            idempotency_key=idempotency_key, request_fingerprint=fingerprint, created_at=now, updated_at=now,
            price_rule_id=self._rule_of(session, venue, court.id, start, end), waitlist_offer_id=waitlist_offer_id,
            match_id=match_id, paid_at_venue=venue.paid_at_venue,
            invitations=[])  # a new booking has none: not loaded after the insert
        if player is LOOK_UP:
            player = session.get(store.Player, player_id)
        view = store.BookingView(booking, venue, court, player)
        _price(session, view, now)
        session.add(booking)
        events.created(session, view, series_id, booked_by, lottery_id)
        if status == Status.CONFIRMED:
            events.confirmed(session, view, series_id, lottery_id)
        # The booking and its events in one flush (a flush costs more than its rows); a taken slot fails
        # here, before anything is counted (a series' game refused in its savepoint counts nothing).
        session.flush()
        metrics.booked(session, venue.id)
        if status == Status.CONFIRMED:
            metrics.confirmed(session, venue.id, booking.price_paisa)
        _invite(session, view, participant_ids, now)
        return view

    def place(self, session: Session, venue: store.Venue, court: store.Court, start: dt.datetime, duration: int,
               player_id: str, now: dt.datetime, moving: store.Booking | None = None,
               horizon_days: int | None = None) -> tuple[dt.date, dt.datetime, int]:
        """Checks a game on `court` at `start` against the venue's rules as they hold for the player (or
        a series' horizon; a member's further horizon and more bookings a day), members-only hours,
        closures and the player's daily limit (not counting the booking `moving` there), releases
        run-out holds on the court, and prices the court: (opening date, end, the court's price;
        `_price` shares it out). Whether the court is free the database decides."""
        if not (court.active and venue.active):
            raise FailedPrecondition("this court takes no bookings at the moment")
        rules = rows.rules_of(venue)
        if horizon_days is not None:
            rules = dataclasses.replace(rules, horizon_days=horizon_days)
        benefits = benefits_of(session, venue.id, player_id, now)
        rules = benefits.rules(rules)
        day = domain.check_slot(rules, start, duration, now)
        if moving is None or (court.id, start) != (moving.court_id, moving.start_time):
            domain.check_member_hours(rules, rows.member_hours(venue), court.id, start, now, benefits.member)
        end = start + dt.timedelta(minutes=duration)
        excluding = moving.id if moving else None
        look = store.court_look(session, court.id, start, end, now, venue.id, player_id, day, excluding)
        if look.closure is not None:
            raise InvalidArgument.field("start_time", f"the court is closed {domain.local_span(rules, *look.closure)}")
        live_that_day = look.live_that_day
        if look.expired_holds:  # seldom: released first, and the day counted again without them
            self.expire_holds_in(session, now, court.id)
            live_that_day = store.live_bookings_that_day(session, venue.id, player_id, day, excluding)
        if moving is None or day != moving.opening_date:
            domain.check_daily_limit(rules, live_that_day)
        windows = self.setups.windows_of(session, venue)
        return day, end, domain.price_of(rules, windows, court.id, start, duration)

    def _rule_of(self, session: Session, venue: store.Venue, court_id: str, start: dt.datetime,
                 end: dt.datetime) -> str | None:
        """The price rule a game is counted under in the owner's revenue by price rule."""
        return domain.pricing_rule(rows.rules_of(venue), self.setups.windows_of(session, venue), court_id, start,
                                   int((end - start).total_seconds() // 60))

    # -- seeing -------------------------------------------------------------------------------------

    def get(self, uow: UnitOfWork, caller: Caller, booking_id: str) -> store.BookingView:
        """The booking, if the caller booked it, plays in it, or manages its venue."""
        with uow.session(read_only=True) as session:
            view = rows.booking(session, booking_id)
            invited = [*view.booking.participant_ids, *(i.player_id for i in view.booking.invitations)]
            domain.check_may_see_booking(caller, view.booking.player_id, invited, view.venue.owner_id)
            return view

    def list_mine(self, uow: UnitOfWork, caller: Caller, which: str, page_size: int,
                  page_token: str) -> Page[store.BookingView]:
        """One page of the games the caller booked or was invited to (not declined): "upcoming" (live,
        soonest first), "past" (played or missed, latest first) or "cancelled" (latest first)."""
        with uow.session(read_only=True) as session:
            found = store.bookings_of_player(session, caller.user_id, self.clock(), which=which,
                                             page_size=page_size, page_token=page_token)
            return Page([store.booking_view(session, b) for b in found.items], found.next_page_token)

    # -- changing -----------------------------------------------------------------------------------

    def update(self, uow: UnitOfWork, caller: Caller, booking_id: str, changes: dict[str, Any]) -> store.BookingView:
        """Reschedules (court_id, start_time, duration_minutes) and/or changes participant_ids and
        special_requests: the player who booked (or an admin) any of them, the venue's owner only the
        court and time (to move the games off a court they retire). A move is checked like a new booking, repriced, and the database again
        refuses an overlap. A move announces BookingRescheduled, which carries the new list of
        invited players; a change of that list alone announces BookingParticipantsChanged. Every
        listed player must be one the caller may invite."""
        if "participant_ids" in changes:
            self.players.check_invitable(caller, changes["participant_ids"])
        now = self.clock()
        try:
            with uow.session() as session:
                view = rows.booking(session, booking_id)
                booking = view.booking
                domain.check_may_change_booking(caller, booking.player_id, view.venue.owner_id, changes)
                if booking.state not in (Status.PENDING, Status.CONFIRMED):
                    raise FailedPrecondition(f"cannot change a booking that is {booking.status}")
                if booking.waitlist_offer_id:
                    raise FailedPrecondition(OFFER_HOLD)
                if booking.match_id and "participant_ids" in changes:
                    raise FailedPrecondition("this court is held for an open match: its players are the match's")
                invited_before = list(booking.participant_ids)
                if "participant_ids" in changes:
                    domain.check_participants(booking.player_id, changes["participant_ids"])
                    booking.participant_ids = list(changes["participant_ids"])
                if "special_requests" in changes:
                    booking.special_requests = changes["special_requests"]
                left = (booking.court_id, booking.start_time, booking.end_time)
                moves = {k: changes[k] for k in ("court_id", "start_time", "duration_minutes") if k in changes}
                if moves:
                    domain.check_not_started(booking.start_time, now, "it can no longer be moved")
                    view = self._move(session, view, moves, now)
                elif booking.participant_ids != invited_before:
                    # A removed player's paid share goes back whole: after the start, money for a game played.
                    domain.check_not_started(booking.start_time, now, "its players no longer change")
                    reprice(session, view, now)  # the shares follow the players
                booking.updated_at = now
                session.flush()
                added, removed = domain.invitation_changes(invited_before, booking.participant_ids)
                _uninvite(booking, removed)
                _invite(session, view, added, now)
                if moves:
                    events.rescheduled(session, view, left, caller.user_id)
                elif added or removed:
                    events.participants_changed(session, view, added, removed)
                return view
        except exc.IntegrityError as error:
            if store.is_slot_taken(error):
                raise Conflict(SLOT_TAKEN, reason="SLOT_TAKEN") from None
            raise

    def _move(self, session: Session, view: store.BookingView, moves: dict[str, Any],
              now: dt.datetime) -> store.BookingView:
        booking, venue = view.booking, view.venue
        court = rows.court_at(session, venue, moves["court_id"]) if moves.get("court_id") else view.court
        start = moves.get("start_time") or booking.start_time
        duration = moves.get("duration_minutes") or booking.duration_minutes
        day, end, price = self.place(session, venue, court, start, duration, booking.player_id, now, moving=booking)
        booking.court_id, booking.start_time, booking.end_time = court.id, start, end
        booking.opening_date, booking.duration_minutes = day, duration
        booking.court_price_paisa = price
        booking.price_rule_id = self._rule_of(session, venue, court.id, start, end)
        moved = store.BookingView(booking, venue, court)
        reprice(session, moved, now)
        return moved

    # -- cancelling ---------------------------------------------------------------------------------

    def cancel(self, uow: UnitOfWork, caller: Caller, booking_id: str, reason: str) -> store.BookingView:
        """By the player who booked, or by the venue (its owner or an admin), at the policy's price."""
        now = self.clock()
        with uow.session() as session:
            view = rows.booking(session, booking_id)
            category = domain.canceller(caller, view.booking.player_id, view.venue.owner_id)
            if view.booking.waitlist_offer_id:
                raise FailedPrecondition(OFFER_HOLD)
            self.expire_holds_in(session, now, view.booking.court_id)
            self.cancel_in(session, view, reason or f"cancelled by the {category}", caller.user_id, category, now)
            return view

    @staticmethod
    def cancel_in(session: Session, view: store.BookingView, reason: str, by: str, category: str,
                now: dt.datetime, series_id: str = "") -> None:
        """Cancels a live booking by the venue's policy and announces it (BookingCancelled: the
        invited players and the venue are told; as a game of `series_id`, when cancelled with its
        series). `category` is who cancelled: "player", "venue", or "account_closed" (the player's
        account was deleted: charged as the player cancelling)."""
        booking = view.booking
        domain.check_may_cancel(category, booking.state, booking.start_time, now)
        rules = _rules_for(session, view.venue, booking.player_id, now)
        fee, refund = domain.cancellation_charge(rules, booking.price_paisa, booking.start_time,
                                                 now, by_venue=category == "venue", status=booking.state,
                                                 booked_at=booking.created_at)
        counted = booking.state != Status.PENDING  # confirmed: its price was counted as revenue
        record_cancellation(booking, reason, by, now, fee, refund)
        events.cancelled(session, view, series_id)
        metrics.cancelled(session, view.venue.id, category, refund if counted else 0)

    def cancellation_preview(self, uow: UnitOfWork, caller: Caller, booking_id: str) -> domain.CancellationQuote:
        """What `cancel` would charge now, for whoever may cancel the booking; nothing changes."""
        now = self.clock()
        with uow.session(read_only=True) as session:
            view = rows.booking(session, booking_id)
            booking = view.booking
            category = domain.canceller(caller, booking.player_id, view.venue.owner_id)
            if booking.waitlist_offer_id:
                raise FailedPrecondition(OFFER_HOLD)
            domain.check_may_cancel(category, booking.state, booking.start_time, now)
            return domain.quote_cancellation(_rules_for(session, view.venue, booking.player_id, now),
                                             booking.price_paisa, booking.start_time,
                                             booking.created_at, now, by_venue=category == "venue",
                                             status=booking.state, at_venue=booking.paid_at_venue)

    def venue_paid(self, uow: UnitOfWork, venue_id: str, at_venue: bool) -> None:
        """payment_svc's VenuePaymentChanged: bookings made from now on are paid at the venue or
        online (a venue booking_svc does not have is none of its business)."""
        with uow.session() as session:
            venue = session.get(store.Venue, venue_id)
            if venue is not None and venue.paid_at_venue != at_venue:
                venue.paid_at_venue = at_venue
                store.bump_setup_version(venue)  # a booking reads it from the kept setup (VenueSetups)

    # -- invitations --------------------------------------------------------------------------------

    def answer_invitation(self, uow: UnitOfWork, caller: Caller, booking_id: str, accept: bool) -> store.BookingView:
        """The invited caller accepts or declines (InvitationAccepted / InvitationDeclined). A declined
        player leaves participant_ids (the seat is free for someone else) but the answer stays on the
        booking for the booker to see; one who had accepted and declines late leaves late
        (`leaves_late`: payments keeps their paid share until a newcomer takes the place and pays). The same
        answer again changes nothing."""
        now = self.clock()
        target = InvitationState.ACCEPTED if accept else InvitationState.DECLINED
        with uow.session() as session:
            view = rows.booking(session, booking_id)
            booking = view.booking
            invitation = next((i for i in booking.invitations if i.player_id == caller.user_id), None)
            if invitation is None:
                raise PermissionDenied("you are not invited to this booking")
            if booking.state not in (Status.PENDING, Status.CONFIRMED) or booking.start_time <= now:
                raise FailedPrecondition(f"this game can no longer be answered: it is {booking.status}"
                                         if booking.start_time > now else "this game has started",
                                         reason="INVITATION_CLOSED")
            domain.answer_invitation(invitation.answer, target)
            if invitation.answer is target:
                return view
            late = [] if accept or not leaves_late(session, view, caller.user_id, now) else [caller.user_id]
            invitation.state, invitation.answered_at = target.value, now
            if not accept:
                booking.participant_ids = [p for p in booking.participant_ids if p != caller.user_id]
                reprice(session, view, now)
            booking.updated_at = now
            session.flush()
            if accept:
                events.invitation_accepted(session, view, caller.user_id)
            else:
                events.invitation_declined(session, view, caller.user_id, late)
            return view

    # -- the venue's steps --------------------------------------------------------------------------

    def _venue_step(self, uow: UnitOfWork, caller: Caller, booking_id: str, target: Status,
                    announce: Callable[[Session, store.BookingView], None]) -> store.BookingView:
        """An owner's step in the life cycle: confirm, check in, complete, no-show."""
        now = self.clock()
        with uow.session() as session:
            view = rows.booking(session, booking_id)
            domain.check_may_manage(caller, view.venue.owner_id)
            booking = view.booking
            # A hold that ran out is over even if the job has not got to it yet.
            self.expire_holds_in(session, now, booking.court_id)
            booking.status = domain.transition(booking.state, target).value
            domain.check_timing(target, booking.start_time, now)
            booking.hold_expires_at = None
            booking.updated_at = now
            announce(session, view)
            return view

    def confirm(self, uow: UnitOfWork, caller: Caller, booking_id: str) -> store.BookingView:
        return self._venue_step(uow, caller, booking_id, Status.CONFIRMED, announce_confirmed)

    def confirm_paid(self, uow: UnitOfWork, booking_id: str) -> None:
        """Payments captured the booking's whole online part (PaymentCaptured): a pending booking is
        confirmed, as the venue's confirmation would; one no longer pending (already confirmed, or its
        hold ran out first) is left as it is, and payments refunds a cancelled one."""
        now = self.clock()
        with uow.session() as session:
            booking = session.get(store.Booking, booking_id)
            if booking is None:
                return
            self.expire_holds_in(session, now, booking.court_id)
            if booking.state != Status.PENDING:
                return
            booking.status = domain.transition(booking.state, Status.CONFIRMED).value
            booking.hold_expires_at = None
            booking.updated_at = now
            announce_confirmed(session, store.booking_view(session, booking))

    def check_in(self, uow: UnitOfWork, caller: Caller, booking_id: str) -> store.BookingView:
        return self._venue_step(uow, caller, booking_id, Status.IN_PROGRESS, _checked_in)

    def complete(self, uow: UnitOfWork, caller: Caller, booking_id: str) -> store.BookingView:
        return self._venue_step(uow, caller, booking_id, Status.COMPLETED, events.completed)

    def no_show(self, uow: UnitOfWork, caller: Caller, booking_id: str) -> store.BookingView:
        return self._venue_step(uow, caller, booking_id, Status.NO_SHOW,
                                lambda session, view: events.no_show(session, view, caller.user_id))

    # -- the background job's work ------------------------------------------------------------------

    @staticmethod
    def expire_holds_in(session: Session, now: dt.datetime, court_id: str | None = None) -> int:
        """Cancels pending bookings whose hold ran out (reason "expired"), freeing their courts."""
        expired = store.expired_holds(session, now, court_id)
        for booking in expired:
            record_cancellation(booking, "expired", None, now, 0, booking.price_paisa)
            view = store.booking_view(session, booking)
            events.cancelled(session, view)
            metrics.cancelled(session, view.venue.id, "expired")
        session.flush()
        return len(expired)

    def expire_holds(self, uow: UnitOfWork) -> int:
        with uow.session() as session:
            return self.expire_holds_in(session, self.clock())

    def complete_finished(self, uow: UnitOfWork) -> int:
        """Confirmed or in-progress bookings past their end become completed."""
        now = self.clock()
        with uow.session() as session:
            done = store.finished(session, now)
            for booking in done:
                booking.status = Status.COMPLETED.value
                booking.updated_at = now
                events.completed(session, store.booking_view(session, booking))
            return len(done)

    # -- a closed account (auth's AccountDeleted) ---------------------------------------------------

    def close_account(self, uow: UnitOfWork, user_id: str) -> None:
        """The person's future live bookings are cancelled by the venue's policy, as if they had
        cancelled them, and they leave other players' future bookings (a match's as if they had left the
        match, late or not: `leaves_late`, whether match_svc's PlayerLeft or this comes first, and their
        id is kept as closed so that a match event sent before match_svc heard does not seat them
        again); every booking of theirs loses
        the text they wrote (requests, reasons, keys), the ids stay for the history. Venues they own
        stay open and their bookings valid (admins manage them); their reviews and their entries to
        lotteries not drawn yet are gone (the waitlist's are `Waitlist.close_account`'s). Handled
        again, it finds nothing left to do."""
        now = self.clock()
        with uow.session() as session:
            store.erase_player_texts(session, user_id, "cancelled by the player", [ACCOUNT_CLOSED])
            cancelled = store.future_live_bookings_of(session, user_id, now)
            for booking in cancelled:
                self.cancel_in(session, store.booking_view(session, booking), ACCOUNT_CLOSED, user_id,
                             "account_closed", now)
            invited = store.future_live_bookings_inviting(session, user_id, now)
            for booking in invited:
                left = store.booking_view(session, booking)
                late = [user_id] if leaves_late(session, left, user_id, now) else []  # before its invitation goes
                booking.participant_ids = [p for p in booking.participant_ids if p != user_id]
                booking.updated_at = now
                reprice(session, left, now)
                events.participants_changed(session, left, [], [user_id], late)
            venues = store.venues_owned_by(session, user_id)
            session.flush()
            store.delete_invitations_of(session, user_id)
            store.delete_reviews_of(session, user_id)
            store.delete_undrawn_lottery_entries_of(session, user_id)
            store.forget_player(session, user_id, now)
        log.info("account closed", extra={"cancelled": len(cancelled), "uninvited": len(invited),
                                          "venues_left_to_admins": len(venues)})

    # -- who the players are (auth's UserRegistered) ------------------------------------------------

    @staticmethod
    def remember_player(uow: UnitOfWork, user_id: str, name: str, phone: str) -> None:
        """The name and phone a player registered with, for the venue's schedule and its messages."""
        with uow.session() as session:
            store.remember_player(session, user_id, name, phone)
