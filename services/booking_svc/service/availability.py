"""A venue's day: what is free to book (public) and what is sold (the venue's schedule).

Free slots read the venue's setup from `VenueSetups` (current by its setup version) and what is
busy fresh from the database, every call: a booking or a cancellation shows at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from booking_svc import domain, store
from booking_svc.domain import Slot
from booking_svc.service import rows
from booking_svc.service.setups import VenueSetups
from mesh.caller import Caller
from mesh.db import UnitOfWork
from mesh.errors import NotFound


class Availability:
    """Free slots and the schedule, read in one read-only transaction each."""

    def __init__(self, setups: VenueSetups, clock: Callable[[], dt.datetime] = rows.utcnow):
        self.setups = setups
        self.clock = clock

    def free_slots(self, uow: UnitOfWork, venue_id: str, day: dt.date, duration: int,
                   court_id: str = "") -> tuple[store.Venue, list[tuple[store.Court, list[Slot]]]]:
        """Free games per active court on the opening of local `day`: one query for what is busy."""
        now = self.clock()
        with uow.session(read_only=True) as session:
            setup = self.setups.current(session, venue_id)
            rules = setup.rules
            domain.check_duration(rules, duration)
            courts = [c for c in setup.courts if c.active]
            if court_id:
                courts = [c for c in courts if c.id == court_id]
                if not courts:
                    raise NotFound(f"no active court {court_id} at this venue")
            starts = domain.candidate_starts(rules, day, duration, now)
            if not starts or not setup.venue.active:
                return setup.venue, [(c, []) for c in courts]
            window = domain.opening_window(rules, day)
            busy = store.busy_intervals(session, [c.id for c in courts], *window, now)
        length = dt.timedelta(minutes=duration)
        answer = []
        for court in courts:
            prices = setup.day_prices(court.id, window)
            answer.append((court, [Slot(s, s + length, prices.price(s, duration))
                                   for s in domain.free_starts(starts, duration, busy[court.id])]))
        return setup.venue, answer

    def schedule(self, uow: UnitOfWork, caller: Caller, venue_id: str,
                 day: dt.date) -> tuple[list[store.BookingView], list[store.Player]]:
        """Every booking of the venue's opening on local `day` (its owner or an admin), and who plays:
        the bookers and invited players booking_svc knows (name and phone)."""
        with uow.session(read_only=True) as session:
            venue = rows.venue(session, venue_id)
            domain.check_may_manage(caller, venue.owner_id)
            courts = {c.id: c for c in store.courts_of(session, venue.id)}
            day_bookings = store.venue_schedule(session, venue.id, day)
            people = store.players_of(session, list({p: None for b in day_bookings
                                                     for p in (b.player_id, *b.participant_ids)}))
            known = {p.id: p for p in people}
            return [store.BookingView(b, venue, courts[b.court_id], known.get(b.player_id))
                    for b in day_bookings], people
