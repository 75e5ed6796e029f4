"""Prime slots sold by lottery: the owner marks a slot (a court, a start, a length) and when entries
close; the slot is closed to direct booking meanwhile (a closure); players enter once each; one
seeded draw (`booking_svc.lottery`), by the booking job once entries close or by the owner, picks
the winner, who gets the booking, and puts the others on the slot's waitlist in drawn order. The
seed and the entries are kept, so the draw can be checked.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

from sqlalchemy import exc
from sqlalchemy.orm import Session

from booking_svc import domain, events, lottery, metrics, store
from booking_svc.service import rows
from booking_svc.service.bookings import Bookings
from booking_svc.service.memberships import lottery_weight
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, new_id
from mesh.errors import AlreadyExists, FailedPrecondition, InvalidArgument

LOTTERY_CLOSURE = "prime slot sold by lottery"
ENTERED = "you already entered this lottery"

log = logging.getLogger("padel.booking.lotteries")


class Lotteries:
    def __init__(self, bookings: Bookings, clock: Callable[[], dt.datetime] = utcnow):
        self.bookings = bookings
        self.clock = clock

    def create(self, uow: UnitOfWork, caller: Caller, venue_id: str, court_id: str, start: dt.datetime,
               duration: int, entries_close_at: dt.datetime) -> store.Lottery:
        now = self.clock()
        with uow.session() as session:
            venue = rows.venue(session, venue_id)
            domain.check_may_manage(caller, venue.owner_id)
            court = rows.court_at(session, venue, court_id)
            domain.check_slot(rows.rules_of(venue), start, duration, now)
            if not now < entries_close_at <= start:
                raise InvalidArgument.field("entries_close_at", "must be after now and before the game")
            end = start + dt.timedelta(minutes=duration)
            if store.live_bookings_overlapping(session, court.id, start, end) or store.closure_overlapping(
                    session, court.id, start, end):
                raise FailedPrecondition("the slot is already taken or closed")
            closure = store.Closure(id=new_id(), venue_id=venue.id, court_id=court.id, start_time=start,
                                    end_time=end, reason=LOTTERY_CLOSURE)
            draw = store.Lottery(id=new_id(), venue_id=venue.id, court_id=court.id, closure_id=closure.id,
                                 start_time=start, duration_minutes=duration, entries_close_at=entries_close_at,
                                 seed="", drawn_order=[], booking_id=None, created_at=now)
            session.add_all([closure, draw])
            session.flush()
            return draw

    def enter(self, uow: UnitOfWork, caller: Caller, lottery_id: str) -> None:
        try:
            with uow.session() as session:
                draw = rows.one(session, store.Lottery, lottery_id, "lottery")
                if self.clock() >= draw.entries_close_at:
                    raise FailedPrecondition("entries to this lottery have closed")
                # Each entry counts once, a member's as many times as their plan says.
                weight = lottery_weight(session, draw.venue_id, caller.user_id, self.clock())
                session.add(store.LotteryEntry(id=new_id(), lottery_id=draw.id, player_id=caller.user_id,
                                               weight=weight, created_at=self.clock()))
                session.flush()
        except exc.IntegrityError:
            raise AlreadyExists(ENTERED) from None

    @staticmethod
    def get(uow: UnitOfWork, lottery_id: str) -> tuple[store.Lottery, list[store.LotteryEntry]]:
        with uow.session(read_only=True) as session:
            draw = rows.one(session, store.Lottery, lottery_id, "lottery")
            return draw, store.lottery_entries(session, draw.id)

    def list_venue(self, uow: UnitOfWork, venue_id: str) -> list[tuple[store.Lottery, list[store.LotteryEntry]]]:
        with uow.session(read_only=True) as session:
            return store.venue_lotteries(session, rows.venue(session, venue_id).id, self.clock())

    def draw(self, uow: UnitOfWork, caller: Caller, lottery_id: str) -> tuple[store.Lottery, list[store.LotteryEntry]]:
        """The owner draws once entries close (the job does it too, see `draw_due`)."""
        now = self.clock()
        with uow.session() as session:
            # Taken as the job takes it, so one of the two draws and the other sees it drawn.
            draw = store.lottery_to_draw(session, lottery_id)
            if draw is None:
                rows.one(session, store.Lottery, lottery_id, "lottery")
                raise FailedPrecondition("this lottery is being drawn right now")
            domain.check_may_manage(caller, rows.venue(session, draw.venue_id).owner_id)
            if draw.seed:
                raise FailedPrecondition("this lottery was drawn already")
            if now < draw.entries_close_at:
                raise FailedPrecondition("entries to this lottery are still open")
            return draw, self._draw(session, draw, now)

    def draw_due(self, uow: UnitOfWork, limit: int = 50) -> int:
        """The job's work: each lottery whose entries closed is drawn once, each in its own
        transaction (a lottery another replica or the owner draws meanwhile is skipped). A draw that
        fails is logged and left for the next pass; the others are still drawn."""
        now = self.clock()
        drawn = 0
        for lottery_id in self._due(uow, now, limit):
            try:
                with uow.session() as session:
                    draw = store.lottery_to_draw(session, lottery_id)
                    if draw is not None and not draw.seed:
                        self._draw(session, draw, now)
                        drawn += 1
            except Exception:  # noqa: BLE001 - one lottery's fault must not stop the other venues' draws
                log.exception("lottery draw failed", extra={"lottery_id": lottery_id})
                metrics.job_failed("lottery")
        return drawn

    @staticmethod
    def _due(uow: UnitOfWork, now: dt.datetime, limit: int) -> list[str]:
        with uow.session(read_only=True) as session:
            return store.lotteries_due(session, now, limit)

    def _draw(self, session: Session, draw: store.Lottery, now: dt.datetime) -> list[store.LotteryEntry]:
        """The seeded draw and the closure lifted in one transaction. The first drawn whom the venue's
        rules let book the slot (their daily limit, members-only hours) wins and is booked; the others
        wait for the slot in drawn order. Nobody entered, or nobody may book: the slot is on sale to
        everyone again and nobody is told."""
        venue = rows.venue(session, draw.venue_id)
        entries = store.lottery_entries(session, draw.id)
        draw.seed = lottery.new_seed()
        draw.drawn_order = lottery.draw(draw.seed, [(e.id, e.weight) for e in entries])
        players = {e.id: e.player_id for e in entries}
        closure = session.get(store.Closure, draw.closure_id)
        if closure is not None:  # closures made before owners were kept from deleting them
            session.delete(closure)
            session.flush()
        court = rows.court_at(session, venue, draw.court_id)
        for entry_id in draw.drawn_order:
            view = self._book_winner(session, venue, court, draw, players[entry_id], now)
            if view is not None:
                break
        else:
            return entries
        draw.booking_id = view.booking.id
        waiting = [players[e] for e in draw.drawn_order if players[e] != view.booking.player_id]
        for place, player_id in enumerate(waiting, start=1):
            session.add(store.WaitlistEntry(
                id=new_id(), venue_id=venue.id, court_id=court.id, player_id=player_id,
                window_start=draw.start_time, window_end=view.booking.end_time,
                duration_minutes=draw.duration_minutes, state="waiting",
                joined_at=now + dt.timedelta(microseconds=place)))
        session.flush()
        events.lottery_drawn(session, draw, entries, view)
        return entries

    def _book_winner(self, session: Session, venue: store.Venue, court: store.Court, draw: store.Lottery,
                     player_id: str, now: dt.datetime) -> store.BookingView | None:
        """The drawn player's booking of the slot, in a savepoint; None when the rules (or the database:
        the court taken after all) refuse them."""
        try:
            with session.begin_nested():
                day, end, price = self.bookings.place(session, venue, court, draw.start_time,
                                                       draw.duration_minutes, player_id, now)
                return self.bookings.insert(session, venue, court, player_id, [], draw.start_time, end, day,
                                             price, "", f"lottery:{draw.id}", "", now, lottery_id=draw.id)
        except (InvalidArgument, FailedPrecondition, exc.IntegrityError):
            return None
