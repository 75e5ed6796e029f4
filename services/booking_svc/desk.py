"""The booking desk: every use case of booking_svc as one database transaction.

It loads rows through `store`, asks `domain` for the rules, checks who may do what (an owner
manages only their venues, an admin any; a player sees and changes only their bookings), writes
the change and its event together, and maps the database's refusals to domain errors: a court
taken at that time → Conflict (HTTP 409), nothing written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from typing import Any, Callable, Sequence

from sqlalchemy import exc
from sqlalchemy.orm import Session

from booking_svc import domain, events, store
from booking_svc.domain import Status
from mesh import caller
from mesh.db import Database
from mesh.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied

log = logging.getLogger("padel.booking")

SLOT_TAKEN = "this slot was just taken; choose another time"
KEY_REUSED = "this idempotency key was already used for a different booking request"
DEFAULT_RADIUS_KM = 25.0
ACCOUNT_CLOSED = "the player's account was closed"

# What a new venue gets for each setting the owner leaves out.
VENUE_DEFAULTS: dict[str, Any] = {
    "address": "", "latitude": None, "longitude": None, "time_zone": domain.DEFAULT_TIME_ZONE,
    "slot_minutes": 30, "durations_minutes": [60, 90, 120], "free_until_hours": 24, "late_fee_percent": 50,
    "horizon_days": 14, "instant_confirmation": True, "hold_minutes": 15, "max_live_bookings_per_day": 2,
    "base_hourly_price_paisa": 0, "active": True,
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclasses.dataclass
class VenueView:
    venue: store.Venue
    courts: list[store.Court]
    distance_km: float = 0.0


@dataclasses.dataclass
class BookingView:
    booking: store.Booking
    venue: store.Venue
    court: store.Court


@dataclasses.dataclass
class CourtSlots:
    court: store.Court
    slots: list[tuple[dt.datetime, dt.datetime, int]]  # start, end, price in paisa


@dataclasses.dataclass
class PriceList:
    base_hourly_paisa: int
    rules: list[store.PriceRule]


def rules_of(venue: store.Venue) -> domain.VenueRules:
    """The domain's view of a venue row; opening hours are checked again (field names for errors)."""
    openings = tuple(
        domain.Opening(o["weekday"], domain.parse_hhmm(o["open"], f"venue.opening_hours[{i}].open"),
                       domain.parse_hhmm(o["close"], f"venue.opening_hours[{i}].close"))
        for i, o in enumerate(venue.opening_hours))
    return domain.VenueRules(
        time_zone=venue.time_zone, openings=openings, slot_minutes=venue.slot_minutes,
        durations=tuple(venue.durations_minutes), horizon_days=venue.horizon_days,
        free_until_hours=venue.free_until_hours, late_fee_percent=venue.late_fee_percent,
        instant=venue.instant_confirmation, hold_minutes=venue.hold_minutes,
        max_live_bookings_per_day=venue.max_live_bookings_per_day,
        base_hourly_paisa=venue.base_hourly_price_paisa)


def price_windows(rules: Sequence[store.PriceRule]) -> list[domain.PriceWindow]:
    return [domain.PriceWindow(r.court_id, frozenset(r.weekdays), domain.parse_hhmm(r.start, "rules.start"),
                               domain.parse_hhmm(r.end, "rules.end"), r.hourly_price_paisa) for r in rules]


def _may_manage(venue: store.Venue) -> bool:
    who = caller.current()
    return who.is_admin or venue.owner_id == who.user_id


def _require_manager(venue: store.Venue) -> None:
    if not _may_manage(venue):
        raise PermissionDenied("only the venue's owner or an admin may do that")


class BookingDesk:
    """The use cases, each one transaction; the caller is read from `mesh.caller`."""

    def __init__(self, database: Database, commission_percent: int, clock: Callable[[], dt.datetime] = utcnow):
        self.db = database
        self.commission_percent = commission_percent
        self.clock = clock

    # -- venues -------------------------------------------------------------------------------------

    def _venue(self, session: Session, venue_id: str) -> store.Venue:
        venue = session.get(store.Venue, venue_id)
        if venue is None:
            raise NotFound(f"no venue {venue_id}")
        return venue

    def _managed_venue(self, session: Session, venue_id: str) -> store.Venue:
        venue = self._venue(session, venue_id)
        _require_manager(venue)
        return venue

    def create_venue(self, columns: dict[str, Any], courts: list[dict[str, Any]]) -> VenueView:
        owner = caller.require_role(caller.VENUE_OWNER, caller.ADMIN)
        for field in ("name", "city", "opening_hours"):
            if not columns.get(field):
                raise InvalidArgument.field(f"venue.{field}", "is required")
        now = self.clock()
        venue = store.Venue(id=new_id(), owner_id=owner.user_id, created_at=now, updated_at=now,
                            **{**VENUE_DEFAULTS, **columns})
        venue.city_key = venue.city.strip().lower()
        domain.check_venue_rules(rules_of(venue))
        with self.db.session() as session:
            session.add(venue)
            session.flush()
            added = [self._new_court(session, venue, court, now) for court in courts]
        return VenueView(venue, added)

    def update_venue(self, venue_id: str, columns: dict[str, Any]) -> VenueView:
        with self.db.session() as session:
            venue = self._managed_venue(session, venue_id)
            for name, value in columns.items():
                if name in ("name", "city") and not (value or "").strip():
                    raise InvalidArgument.field(f"venue.{name}", "cannot be empty")
                setattr(venue, name, value)
            venue.city_key = venue.city.strip().lower()
            venue.updated_at = self.clock()
            domain.check_venue_rules(rules_of(venue))
            return VenueView(venue, store.courts_of(session, venue.id))

    def get_venue(self, venue_id: str) -> VenueView:
        with self.db.session() as session:
            venue = self._venue(session, venue_id)
            return VenueView(venue, store.courts_of(session, venue.id))

    def list_venues(self, city: str, query: str, near: tuple[float, float] | None, radius_km: float,
                    offset: int, limit: int) -> tuple[list[VenueView], int | None]:
        """One page of active venues (by name, or nearest first around `near`); the next offset."""
        with self.db.session() as session:
            venues = store.venues_matching(session, city, query)
            found = [(v, 0.0) for v in venues]
            if near is not None:
                radius = radius_km or DEFAULT_RADIUS_KM
                found = sorted(((v, domain.distance_km(near, (v.latitude, v.longitude))) for v in venues
                                if v.latitude is not None and v.longitude is not None), key=lambda p: p[1])
                found = [(v, d) for v, d in found if d <= radius]
            page = found[offset:offset + limit]
            courts = store.courts_of_venues(session, [v.id for v, _ in page])
        following = offset + limit if offset + limit < len(found) else None
        return [VenueView(v, courts[v.id], d) for v, d in page], following

    # -- courts, closures, prices -------------------------------------------------------------------

    def _new_court(self, session: Session, venue: store.Venue, columns: dict[str, Any], now: dt.datetime) -> store.Court:
        if not (columns.get("name") or "").strip():
            raise InvalidArgument.field("court.name", "is required")
        court = store.Court(id=new_id(), venue_id=venue.id, created_at=now,
                            **{"environment": 0, "surface": 0, "active": True, **columns})
        session.add(court)
        session.flush()
        return court

    def _court(self, session: Session, venue: store.Venue, court_id: str) -> store.Court:
        court = session.get(store.Court, court_id)
        if court is None or court.venue_id != venue.id:
            raise NotFound(f"no court {court_id} at this venue")
        return court

    def add_court(self, venue_id: str, columns: dict[str, Any]) -> store.Court:
        with self.db.session() as session:
            venue = self._managed_venue(session, venue_id)
            return self._new_court(session, venue, columns, self.clock())

    def update_court(self, venue_id: str, court_id: str, columns: dict[str, Any]) -> store.Court:
        with self.db.session() as session:
            court = self._court(session, self._managed_venue(session, venue_id), court_id)
            if "name" in columns and not columns["name"].strip():
                raise InvalidArgument.field("court.name", "cannot be empty")
            for name, value in columns.items():
                setattr(court, name, value)
            return court

    def add_closure(self, venue_id: str, court_id: str, start: dt.datetime, end: dt.datetime,
                    reason: str) -> store.Closure:
        if end <= start:
            raise InvalidArgument.field("end_time", "must be after start_time")
        with self.db.session() as session:
            venue = self._managed_venue(session, venue_id)
            self._court(session, venue, court_id)
            # Closing over sold time would leave players with bookings for a closed court; the
            # owner cancels those first (the players are told and refunded by the policy).
            booked = store.live_bookings_overlapping(session, court_id, start, end)
            if booked:
                raise FailedPrecondition(
                    f"{len(booked)} live booking(s) fall in this closure, the first at "
                    f"{booked[0].start_time.isoformat()}; cancel them first", reason="COURT_BOOKED")
            closure = store.Closure(id=new_id(), venue_id=venue.id, court_id=court_id, start_time=start,
                                    end_time=end, reason=reason)
            session.add(closure)
            return closure

    def list_closures(self, venue_id: str) -> list[store.Closure]:
        with self.db.session() as session:
            self._managed_venue(session, venue_id)
            return store.open_closures(session, venue_id, self.clock())

    def delete_closure(self, venue_id: str, closure_id: str) -> None:
        with self.db.session() as session:
            self._managed_venue(session, venue_id)
            closure = session.get(store.Closure, closure_id)
            if closure is None or closure.venue_id != venue_id:
                raise NotFound(f"no closure {closure_id} at this venue")
            session.delete(closure)

    def set_price_rules(self, venue_id: str, base_hourly_paisa: int, rules: list[dict[str, Any]]) -> PriceList:
        with self.db.session() as session:
            venue = self._managed_venue(session, venue_id)
            court_ids = {c.id for c in store.courts_of(session, venue.id)}
            rows = []
            for i, rule in enumerate(rules):
                if rule["court_id"] and rule["court_id"] not in court_ids:
                    raise InvalidArgument.field(f"rules[{i}].court_id", "is not a court of this venue")
                domain.parse_hhmm(rule["start"], f"rules[{i}].start")
                domain.parse_hhmm(rule["end"], f"rules[{i}].end")
                rows.append(store.PriceRule(id=new_id(), venue_id=venue.id, position=i, **rule))
            store.delete_price_rules(session, venue.id)
            session.add_all(rows)
            venue.base_hourly_price_paisa = base_hourly_paisa
            venue.updated_at = self.clock()
            return PriceList(base_hourly_paisa, rows)

    def list_price_rules(self, venue_id: str) -> PriceList:
        with self.db.session() as session:
            venue = self._venue(session, venue_id)
            return PriceList(venue.base_hourly_price_paisa, store.price_rules_of(session, venue.id))

    # -- availability and schedule ------------------------------------------------------------------

    def availability(self, venue_id: str, day: dt.date, duration: int, court_id: str = "") -> tuple[store.Venue, list[CourtSlots]]:
        """Free starts per active court on the opening of local `day`: one query for what is busy."""
        now = self.clock()
        with self.db.session() as session:
            venue = self._venue(session, venue_id)
            rules = rules_of(venue)
            domain.check_duration(rules, duration)
            courts = [c for c in store.courts_of(session, venue.id) if c.active]
            if court_id:
                courts = [c for c in courts if c.id == court_id]
                if not courts:
                    raise NotFound(f"no active court {court_id} at this venue")
            starts = domain.candidate_starts(rules, day, duration, now)
            if not starts or not venue.active:
                return venue, [CourtSlots(c, []) for c in courts]
            window = domain.opening_window(rules, day)
            busy = store.busy_intervals(session, [c.id for c in courts], *window, now)
            windows = price_windows(store.price_rules_of(session, venue.id))
        length = dt.timedelta(minutes=duration)
        # Courts without rules of their own share the venue's prices: price the day once for them.
        own_rules = {w.court_id for w in windows if w.court_id}
        day_prices: dict[str | None, domain.DayPrices] = {}
        answer = []
        for court in courts:
            key = court.id if court.id in own_rules else None
            if key not in day_prices:
                day_prices[key] = domain.DayPrices(rules, windows, court.id, window)
            prices = day_prices[key]
            answer.append(CourtSlots(court, [(s, s + length, prices.price(s, duration))
                                             for s in domain.free_starts(starts, duration, busy[court.id])]))
        return venue, answer

    def schedule(self, venue_id: str, day: dt.date) -> list[BookingView]:
        with self.db.session() as session:
            venue = self._managed_venue(session, venue_id)
            courts = {c.id: c for c in store.courts_of(session, venue.id)}
            return [BookingView(b, venue, courts[b.court_id]) for b in store.venue_schedule(session, venue.id, day)]

    # -- bookings -----------------------------------------------------------------------------------

    def _view(self, session: Session, booking: store.Booking) -> BookingView:
        return BookingView(booking, session.get(store.Venue, booking.venue_id), session.get(store.Court, booking.court_id))

    def _replay(self, player_id: str, key: str, fingerprint: str) -> BookingView | None:
        """The booking an earlier request with this key made, if the body is the same; else Conflict."""
        with self.db.session() as session:
            earlier = store.booking_by_key(session, player_id, key)
            if earlier is None:
                return None
            if earlier.request_fingerprint != fingerprint:
                raise Conflict(KEY_REUSED, reason="IDEMPOTENCY_KEY_REUSED")
            return self._view(session, earlier)

    def book(self, court_id: str, start: dt.datetime, duration: int, participant_ids: list[str],
             special_requests: str, idempotency_key: str) -> BookingView:
        player = caller.current()
        fingerprint = domain.request_fingerprint(court_id, start, duration, participant_ids, special_requests)
        earlier = self._replay(player.user_id, idempotency_key, fingerprint)
        if earlier is not None:
            return earlier
        now = self.clock()
        try:
            with self.db.session() as session:
                court = session.get(store.Court, court_id)
                if court is None:
                    raise NotFound(f"no court {court_id}")
                venue = session.get(store.Venue, court.venue_id)
                domain.check_participants(player.user_id, participant_ids)
                day, end, price = self._place(session, venue, court, start, duration, player.user_id, now)
                instant = venue.instant_confirmation
                status = Status.CONFIRMED if instant else Status.PENDING
                booking = store.Booking(
                    id=new_id(), venue_id=venue.id, court_id=court.id, player_id=player.user_id,
                    participant_ids=list(participant_ids), start_time=start, end_time=end, opening_date=day,
                    duration_minutes=duration, status=status.value, price_paisa=price,
                    commission_percent=self.commission_percent,
                    commission_paisa=domain.percent_of(price, self.commission_percent),
                    special_requests=special_requests,
                    hold_expires_at=None if instant else now + dt.timedelta(minutes=venue.hold_minutes),
                    idempotency_key=idempotency_key, request_fingerprint=fingerprint, created_at=now, updated_at=now)
                session.add(booking)
                session.flush()
                events.created(session, booking, venue, court)
                if status == Status.CONFIRMED:
                    events.confirmed(session, booking, venue, court)
                return BookingView(booking, venue, court)
        except exc.IntegrityError as error:
            # A twin request with the same key may have won the race; else the slot went.
            earlier = self._replay(player.user_id, idempotency_key, fingerprint)
            if earlier is not None:
                return earlier
            if store.is_slot_taken(error):
                raise Conflict(SLOT_TAKEN, reason="SLOT_TAKEN") from None
            raise

    def _place(self, session: Session, venue: store.Venue, court: store.Court, start: dt.datetime, duration: int,
               player_id: str, now: dt.datetime, moving: store.Booking | None = None) -> tuple[dt.date, dt.datetime, int]:
        """Checks a game on `court` at `start` against the venue's rules, closures and the player's
        daily limit (not counting the booking `moving` there), releases run-out holds on the court,
        and prices it: (opening date, end, price). Whether the court is free the database decides."""
        if not (court.active and venue.active):
            raise FailedPrecondition("this court takes no bookings at the moment")
        rules = rules_of(venue)
        day = domain.check_slot(rules, start, duration, now)
        end = start + dt.timedelta(minutes=duration)
        if store.closure_overlapping(session, court.id, start, end):
            raise InvalidArgument.field("start_time", "the court is closed then")
        self._expire_holds(session, now, court.id)
        if moving is None or day != moving.opening_date:
            domain.check_daily_limit(rules, store.live_bookings_that_day(
                session, venue.id, player_id, day, excluding=moving.id if moving else None))
        price = domain.price_of(rules, price_windows(store.price_rules_of(session, venue.id)), court.id, start, duration)
        return day, end, price

    def _booking_for(self, session: Session, booking_id: str) -> BookingView:
        booking = session.get(store.Booking, booking_id)
        if booking is None:
            raise NotFound(f"no booking {booking_id}")
        return self._view(session, booking)

    def _visible(self, session: Session, booking_id: str) -> BookingView:
        """The booking if the caller booked it, plays in it, or manages its venue."""
        view = self._booking_for(session, booking_id)
        who = caller.current()
        if who.user_id != view.booking.player_id and who.user_id not in view.booking.participant_ids \
                and not _may_manage(view.venue):
            # Not NotFound: the id is a random uuid, and a clear answer helps support.
            raise PermissionDenied("this booking is neither yours nor at your venue")
        return view

    def get_booking(self, booking_id: str) -> BookingView:
        with self.db.session() as session:
            return self._visible(session, booking_id)

    def list_bookings(self, past: bool, after: tuple[dt.datetime, str] | None, limit: int) -> list[BookingView]:
        player = caller.current()
        with self.db.session() as session:
            rows = store.bookings_of_player(session, player.user_id, self.clock(), past=past, after=after, limit=limit)
            return [self._view(session, b) for b in rows]

    def update_booking(self, booking_id: str, changes: dict[str, Any]) -> BookingView:
        """Reschedules (court_id, start_time, duration_minutes) and/or changes participant_ids and
        special_requests. A move is checked like a new booking, repriced, and the database again
        refuses an overlap. A move announces BookingRescheduled, which carries the new list of
        invited players; a change of that list alone announces BookingParticipantsChanged."""
        now = self.clock()
        try:
            with self.db.session() as session:
                view = self._booking_for(session, booking_id)
                booking, venue = view.booking, view.venue
                who = caller.current()
                if who.user_id != booking.player_id and not who.is_admin:
                    raise PermissionDenied("only the player who booked may change this booking")
                if booking.state not in (Status.PENDING, Status.CONFIRMED):
                    raise FailedPrecondition(f"cannot change a booking that is {booking.status}")
                invited_before = list(booking.participant_ids)
                if "participant_ids" in changes:
                    domain.check_participants(booking.player_id, changes["participant_ids"])
                    booking.participant_ids = list(changes["participant_ids"])
                if "special_requests" in changes:
                    booking.special_requests = changes["special_requests"]
                previous_start = booking.start_time
                moves = {k: changes[k] for k in ("court_id", "start_time", "duration_minutes") if k in changes}
                if moves:
                    view = self._move(session, view, moves, now)
                booking.updated_at = now
                session.flush()
                added, removed = domain.invitation_changes(invited_before, booking.participant_ids)
                if moves:
                    events.rescheduled(session, booking, venue, view.court, previous_start)
                elif added or removed:
                    events.participants_changed(session, booking, venue, view.court, added, removed)
                return view
        except exc.IntegrityError as error:
            if store.is_slot_taken(error):
                raise Conflict(SLOT_TAKEN, reason="SLOT_TAKEN") from None
            raise

    def _move(self, session: Session, view: BookingView, moves: dict[str, Any], now: dt.datetime) -> BookingView:
        booking, venue = view.booking, view.venue
        court = self._court(session, venue, moves["court_id"]) if moves.get("court_id") else view.court
        start = moves.get("start_time") or booking.start_time
        duration = moves.get("duration_minutes") or booking.duration_minutes
        day, end, price = self._place(session, venue, court, start, duration, booking.player_id, now, moving=booking)
        booking.court_id, booking.start_time, booking.end_time = court.id, start, end
        booking.opening_date, booking.duration_minutes = day, duration
        booking.price_paisa = price
        booking.commission_paisa = domain.percent_of(price, booking.commission_percent)
        return BookingView(booking, venue, court)

    def cancel(self, booking_id: str, reason: str) -> BookingView:
        now = self.clock()
        with self.db.session() as session:
            view = self._booking_for(session, booking_id)
            who = caller.current()
            by_player = who.user_id == view.booking.player_id
            if not by_player and not _may_manage(view.venue):
                raise PermissionDenied("only the player who booked, the venue's owner or an admin may cancel")
            self._expire_holds(session, now, view.booking.court_id)
            category = "player" if by_player else "venue"
            self._cancel(session, view, reason or f"cancelled by the {category}", who.user_id, category, now)
            return view

    def _cancel(self, session: Session, view: BookingView, reason: str, by: str, category: str,
                now: dt.datetime) -> None:
        """Cancels a live booking by the venue's policy and announces it (BookingCancelled: the
        invited players and the venue are told). `category` is who cancelled: "player", "venue",
        or "account_closed" (the player's account was deleted: charged as the player cancelling)."""
        booking = view.booking
        domain.transition(booking.state, Status.CANCELLED)
        fee, refund = domain.cancellation_charge(rules_of(view.venue), booking.price_paisa, booking.start_time,
                                                 now, by_venue=category == "venue", status=booking.state)
        self._record_cancellation(booking, reason, by, now, fee, refund)
        events.cancelled(session, booking, view.venue, view.court, category)

    @staticmethod
    def _record_cancellation(booking: store.Booking, reason: str, by: str | None, now: dt.datetime,
                             fee: int, refund: int) -> None:
        booking.status = Status.CANCELLED.value
        booking.cancel_reason, booking.cancelled_by, booking.cancelled_at = reason, by, now
        booking.cancellation_fee_paisa, booking.refund_paisa = fee, refund
        booking.hold_expires_at = None
        booking.updated_at = now

    def _venue_action(self, booking_id: str, target: Status,
                      announce: Callable[[Session, store.Booking, store.Venue, store.Court], None]) -> BookingView:
        """An owner's step in the life cycle: confirm, check in, complete, no-show."""
        now = self.clock()
        with self.db.session() as session:
            view = self._booking_for(session, booking_id)
            _require_manager(view.venue)
            booking = view.booking
            # A hold that ran out is over even if the job has not got to it yet.
            self._expire_holds(session, now, booking.court_id)
            booking.status = domain.transition(booking.state, target).value
            domain.check_timing(target, booking.start_time, now)
            booking.hold_expires_at = None
            booking.updated_at = now
            announce(session, booking, view.venue, view.court)
            return view

    def confirm(self, booking_id: str) -> BookingView:
        return self._venue_action(booking_id, Status.CONFIRMED, events.confirmed)

    def confirm_paid(self, session: Session, booking_id: str) -> None:
        """In the consumer's transaction (payments' PaymentCaptured, whole price paid): a pending
        booking is confirmed, as the venue's confirmation would; one no longer pending (already
        confirmed, or its hold ran out first) is left as it is: payments refunds a cancelled one."""
        booking = session.get(store.Booking, booking_id)
        if booking is None:
            return
        now = self.clock()
        self._expire_holds(session, now, booking.court_id)
        if booking.state != Status.PENDING:
            return
        booking.status = domain.transition(booking.state, Status.CONFIRMED).value
        booking.hold_expires_at = None
        booking.updated_at = now
        view = self._view(session, booking)
        events.confirmed(session, booking, view.venue, view.court)

    def check_in(self, booking_id: str) -> BookingView:
        return self._venue_action(booking_id, Status.IN_PROGRESS, lambda *args: None)

    def complete(self, booking_id: str) -> BookingView:
        return self._venue_action(booking_id, Status.COMPLETED, events.completed)

    def no_show(self, booking_id: str) -> BookingView:
        return self._venue_action(booking_id, Status.NO_SHOW, events.no_show)

    # -- the background job's work ------------------------------------------------------------------

    def _expire_holds(self, session: Session, now: dt.datetime, court_id: str | None = None) -> int:
        """Cancels pending bookings whose hold ran out (reason "expired"), freeing their courts."""
        expired = store.expired_holds(session, now, court_id)
        for booking in expired:
            view = self._view(session, booking)
            self._record_cancellation(booking, "expired", None, now, 0, booking.price_paisa)
            events.cancelled(session, booking, view.venue, view.court, "expired")
        session.flush()
        return len(expired)

    def expire_holds(self) -> int:
        with self.db.session() as session:
            return self._expire_holds(session, self.clock())

    def complete_finished(self) -> int:
        """Confirmed or in-progress bookings past their end become completed."""
        now = self.clock()
        with self.db.session() as session:
            done = store.finished(session, now)
            for booking in done:
                booking.status = Status.COMPLETED.value
                booking.updated_at = now
                view = self._view(session, booking)
                events.completed(session, booking, view.venue, view.court)
            return len(done)

    # -- a closed account (auth's AccountDeleted) -----------------------------------------------------

    def close_account(self, session: Session, user_id: str) -> None:
        """In the consumer's transaction: the person's future live bookings are cancelled by the
        venue's policy, as if they had cancelled them, and they leave other players' future
        bookings; every booking of theirs loses the text they wrote (requests, reasons, keys), the
        ids stay for the history. Venues they own stay open and their bookings valid (admins
        manage them). Handled again, it finds nothing left to do."""
        now = self.clock()
        store.erase_player_texts(session, user_id, "cancelled by the player", [ACCOUNT_CLOSED])
        cancelled = store.future_live_bookings_of(session, user_id, now)
        for booking in cancelled:
            self._cancel(session, self._view(session, booking), ACCOUNT_CLOSED, user_id, "account_closed", now)
        invited = store.future_live_bookings_inviting(session, user_id, now)
        for booking in invited:
            view = self._view(session, booking)
            booking.participant_ids = [p for p in booking.participant_ids if p != user_id]
            booking.updated_at = now
            events.participants_changed(session, booking, view.venue, view.court, [], [user_id])
        venues = store.venues_owned_by(session, user_id)
        session.flush()
        log.info("account closed", extra={"cancelled": len(cancelled), "uninvited": len(invited),
                                          "venues_left_to_admins": len(venues)})
