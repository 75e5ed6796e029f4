"""Prime slots sold by lottery: the owner marks a slot (a court, a start, a length) and when entries
close; the slot is closed to direct booking meanwhile (a closure); players enter once each; one
seeded draw (`booking_svc.lottery`) picks the winner, who gets the booking, and puts the others on
the slot's waitlist in drawn order. The seed and the entries are kept, so the draw can be checked.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlalchemy import exc

from booking_svc import domain, events, lottery, store
from booking_svc.service import rows
from booking_svc.service.bookings import Bookings
from booking_svc.service.memberships import lottery_weight
from mesh.caller import Caller
from mesh.db import UnitOfWork
from mesh.errors import AlreadyExists, FailedPrecondition, InvalidArgument

LOTTERY_CLOSURE = "prime slot sold by lottery"
ENTERED = "you already entered this lottery"


class Lotteries:
    def __init__(self, bookings: Bookings, clock: Callable[[], dt.datetime] = rows.utcnow):
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
            closure = store.Closure(id=rows.new_id(), venue_id=venue.id, court_id=court.id, start_time=start,
                                    end_time=end, reason=LOTTERY_CLOSURE)
            draw = store.Lottery(id=rows.new_id(), venue_id=venue.id, court_id=court.id, closure_id=closure.id,
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
                session.add(store.LotteryEntry(id=rows.new_id(), lottery_id=draw.id, player_id=caller.user_id,
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
        """Once entries close: the draw, the winner's booking (the closure lifted in the same
        transaction) and the others on the slot's waitlist in drawn order."""
        now = self.clock()
        with uow.session() as session:
            draw = rows.one(session, store.Lottery, lottery_id, "lottery")
            venue = rows.venue(session, draw.venue_id)
            domain.check_may_manage(caller, venue.owner_id)
            if draw.seed:
                raise FailedPrecondition("this lottery was drawn already")
            if now < draw.entries_close_at:
                raise FailedPrecondition("entries to this lottery are still open")
            entries = store.lottery_entries(session, draw.id)
            if not entries:
                raise FailedPrecondition("nobody entered this lottery")
            draw.seed = lottery.new_seed()
            draw.drawn_order = lottery.draw(draw.seed, [(e.id, e.weight) for e in entries])
            players = {e.id: e.player_id for e in entries}
            session.delete(session.get(store.Closure, draw.closure_id))
            session.flush()
            court = rows.court_at(session, venue, draw.court_id)
            winner = players[draw.drawn_order[0]]
            day, end, price = self.bookings._place(session, venue, court, draw.start_time, draw.duration_minutes,
                                                   winner, now)
            view = self.bookings._insert(session, venue, court, winner, [], draw.start_time, end, day, price, "",
                                         f"lottery:{draw.id}", "", now)
            draw.booking_id = view.booking.id
            for place, entry_id in enumerate(draw.drawn_order[1:], start=1):
                session.add(store.WaitlistEntry(
                    id=rows.new_id(), venue_id=venue.id, court_id=court.id, player_id=players[entry_id],
                    window_start=draw.start_time, window_end=end, duration_minutes=draw.duration_minutes,
                    state="waiting", joined_at=now + dt.timedelta(microseconds=place)))
            session.flush()
            events.lottery_drawn(session, draw, entries, view)
            return draw, entries
