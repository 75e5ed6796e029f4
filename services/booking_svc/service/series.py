"""Recurring series: checked as a whole, every free game booked in one transaction, the clashes
listed (a preview lists them and books nothing, so the caller chooses: book the rest, or nothing);
cancelling one game, a game and all that follow, or the whole series, each by the venue's policy.
A venue's terms (how far ahead a series books, how many series a player holds) live here too.

Each game is an ordinary booking: the database refuses a double booking of any game (a game taken
between the check and the write becomes a clash, in its own savepoint), and each writes its events.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Sequence

from sqlalchemy import exc
from sqlalchemy.orm import Session

from booking_svc import domain, events, recurrence, store
from booking_svc.domain import Status
from booking_svc.recurrence import Recurrence
from booking_svc.service import rows
from booking_svc.service.bookings import Bookings
from booking_svc.store import Game, SeriesView
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, new_id
from mesh.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound

TAKEN = "the court is taken then"
KEY_REUSED = "this idempotency key was already used for a different series"
# Which games of a series a cancellation takes (padel.booking.v1.SeriesCancelScope).
ONE, FOLLOWING, ALL = "one", "following", "all"


def terms_of(session: Session, venue_id: str) -> store.VenueTerms:
    """The venue's terms, or the defaults until its owner sets them."""
    return session.get(store.VenueTerms, venue_id) or store.VenueTerms(
        venue_id=venue_id, series_horizon_days=recurrence.SERIES_HORIZON_DAYS,
        max_series_per_player=recurrence.MAX_SERIES_PER_PLAYER,
        waitlist_offer_minutes=recurrence.WAITLIST_OFFER_MINUTES)


def get_terms(uow: UnitOfWork, venue_id: str) -> store.VenueTerms:
    with uow.session(read_only=True) as session:
        rows.venue(session, venue_id)
        return terms_of(session, venue_id)


def set_terms(uow: UnitOfWork, caller: Caller, venue_id: str, horizon_days: int, max_series: int,
              offer_minutes: int) -> store.VenueTerms:
    with uow.session() as session:
        domain.check_may_manage(caller, rows.venue(session, venue_id).owner_id)
        terms = session.get(store.VenueTerms, venue_id) or store.VenueTerms(venue_id=venue_id)
        terms.series_horizon_days, terms.max_series_per_player = horizon_days, max_series
        terms.waitlist_offer_minutes = offer_minutes
        session.add(terms)
        session.flush()
        return terms


class Series:
    """Recurring series, booked and cancelled through the booking life cycle's own steps."""

    def __init__(self, bookings: Bookings, clock: Callable[[], dt.datetime] = utcnow):
        self.bookings = bookings
        self.clock = clock

    def book(self, uow: UnitOfWork, caller: Caller, court_id: str, first_start: dt.datetime, duration: int,
             wanted: Recurrence, participant_ids: list[str], preview: bool, idempotency_key: str,
             player_id: str = "", player_phone: str = "") -> SeriesView:
        """Every free game of the series, booked in one transaction, and the clashes; with `preview`,
        the same answer with nothing booked. The same key and body again return the series booked the
        first time. The series is the caller's, or the customer's the venue's owner names
        (`player_id` or `player_phone`): they see it, hear of it and cancel it as their own."""
        recurrence.check(wanted)
        player_id = self.bookings.player_for(uow, caller, court_id, player_id, player_phone)
        domain.check_booked_alone(caller.user_id, player_id, participant_ids)
        self.bookings.players.check_invitable(caller, participant_ids)
        now = self.clock()
        with uow.session() as session:
            court, venue = store.court_with_venue(session, court_id)
            if court is None:
                raise NotFound(f"no court {court_id}")
            domain.check_participants(player_id, participant_ids)
            terms = terms_of(session, venue.id)
            # No game of it could be booked; and a calendar rule near year 9999 overflows.
            domain.check_near_horizon(terms.series_horizon_days, first_start, now, "first_start")
            zone = domain.ZoneInfo(venue.time_zone)
            rule = recurrence.rfc5545(wanted, first_start, zone)
            fingerprint = domain.request_fingerprint(court_id, first_start, duration, participant_ids, rule)
            key = idempotency_key or new_id()
            earlier = store.series_by_key(session, player_id, key)
            if earlier is not None and not preview:
                if earlier.request_fingerprint != fingerprint:
                    raise Conflict(KEY_REUSED, reason="IDEMPOTENCY_KEY_REUSED")
                return self.view_of(session, earlier)
            starts = recurrence.games(wanted, first_start, zone)
            if not preview and store.running_series(session, venue.id, player_id, now) >= terms.max_series_per_player:
                raise FailedPrecondition(f"this venue allows {terms.max_series_per_player} running series per player")
            # At a venue paid online each game is one more hold awaiting the player's payment (payments
            # bills every game at once, the hold its deadline): a player's own series counts them, the
            # games past their room are clashes. A series the venue's owner books for a customer is the
            # venue's standing arrangement, not a player keeping courts from others: not counted.
            unpaid = self.bookings.unpaid_holds(session, venue, player_id, now) if player_id == caller.user_id else None
            if not preview:
                self.bookings.check_unpaid_holds(unpaid)
            view = SeriesView(None, venue, court.id, player_id, rule, duration, [])
            series_id = new_id()
            for number, start in enumerate(starts):
                awaiting = None if unpaid is None else unpaid + sum(1 for g in view.games if not g.clash)
                view.games.append(self._game(session, venue, court, start, duration, player_id, participant_ids,
                                             terms.series_horizon_days, now, None if preview else f"{key}#{number}",
                                             series_id, awaiting))
            if preview:
                return view
            booked = [g.booking for g in view.games if g.booking is not None]
            if not booked:
                raise FailedPrecondition("no game of this series is free; nothing was booked")
            view.series = store.BookingSeries(
                id=series_id, venue_id=venue.id, court_id=court.id, player_id=player_id, rule=rule,
                duration_minutes=duration, idempotency_key=key, request_fingerprint=fingerprint,
                clashes=[{"start": g.start.isoformat(), "clash": g.clash} for g in view.games if g.clash],
                created_at=now)
            session.add(view.series)
            session.flush()
            session.add_all([store.SeriesGame(booking_id=b.id, series_id=view.series.id) for b in booked])
            session.flush()
            player = session.get(store.Player, player_id)
            events.series_booked(session, series_id, [store.BookingView(b, venue, court, player) for b in booked],
                                 len(view.games) - len(booked), caller.user_id)
            return view

    def _game(self, session: Session, venue: store.Venue, court: store.Court, start: dt.datetime, duration: int,
              player_id: str, participant_ids: Sequence[str], horizon_days: int, now: dt.datetime,
              key: str | None, series_id: str, unpaid: int | None) -> Game:
        """One game checked like a single booking (with the series' horizon; `unpaid`: the player's
        holds awaiting payment with the series' games before it, None: not limited); booked in its own
        savepoint when `key` is given, so a game the database refuses leaves the others booked."""
        try:
            with session.begin_nested():
                day, end, price = self.bookings.place(session, venue, court, start, duration, player_id, now,
                                                       horizon_days=horizon_days)
                if store.live_bookings_overlapping(session, court.id, start, end):
                    return Game(start, clash=TAKEN)
                self.bookings.check_unpaid_holds(unpaid)
                if key is None:
                    return Game(start)
                view = self.bookings.insert(session, venue, court, player_id, list(participant_ids), start, end,
                                             day, price, "", key, "", now, series_id=series_id)
                return Game(start, booking=view.booking)
        except (InvalidArgument, FailedPrecondition) as refused:
            return Game(start, clash=refused.message)
        except exc.IntegrityError as error:
            if store.is_slot_taken(error):
                return Game(start, clash=TAKEN)
            raise

    @staticmethod
    def view_of(session: Session, series: store.BookingSeries) -> SeriesView:
        games = [Game(b.start_time, booking=b) for b in store.series_bookings(session, series.id)]
        games += [Game(dt.datetime.fromisoformat(c["start"]), clash=c["clash"]) for c in series.clashes]
        return SeriesView(series, rows.venue(session, series.venue_id), series.court_id, series.player_id,
                          series.rule, series.duration_minutes, sorted(games, key=lambda g: g.start))

    def _series(self, session: Session, series_id: str) -> SeriesView:
        series = session.get(store.BookingSeries, series_id)
        if series is None:
            raise NotFound(f"no series {series_id}")
        return self.view_of(session, series)

    def get(self, uow: UnitOfWork, caller: Caller, series_id: str) -> SeriesView:
        """The series, for its player or whoever manages its venue."""
        with uow.session(read_only=True) as session:
            view = self._series(session, series_id)
            domain.check_may_see_booking(caller, view.player_id, [], view.venue.owner_id)
            return view

    def cancel(self, uow: UnitOfWork, caller: Caller, series_id: str, scope: str, booking_id: str,
               reason: str) -> tuple[list[store.BookingView], SeriesView]:
        """Cancels one game, a game and every later one, or every game to come, each by the venue's
        policy (a game far ahead is free to cancel, a near one may carry the late fee)."""
        now = self.clock()
        with uow.session() as session:
            view = self._series(session, series_id)
            category = domain.canceller(caller, view.player_id, view.venue.owner_id)
            games = [g.booking for g in view.games if g.booking is not None]
            if scope == ALL:
                chosen = [b for b in games if b.state in (Status.PENDING, Status.CONFIRMED) and b.start_time > now]
            else:
                named = next((b for b in games if b.id == booking_id), None)
                if named is None:
                    raise InvalidArgument.field("booking_id", "is not a game of this series")
                # From a game already cancelled (or played, or being played), the games after it still to come.
                chosen = [named] if scope != FOLLOWING else [
                    b for b in games if (b is named or b.start_time > named.start_time)
                    and b.state in (Status.PENDING, Status.CONFIRMED) and b.start_time > now]
            cancelled = []
            for booking in chosen:
                game = store.booking_view(session, booking)
                self.bookings.cancel_in(session, game, reason or f"cancelled by the {category}", caller.user_id,
                                      category, now, series_id)
                cancelled.append(game)
            if not cancelled:
                raise FailedPrecondition("no game of this series is left to cancel")
            session.flush()
            events.series_cancelled(session, series_id, cancelled)
            return cancelled, self.view_of(session, view.series)


