"""A venue's day: what is free to book (public) and what is sold (the venue's schedule).

Free slots read the venue's setup from `VenueSetups` (current by its setup version) and what is
busy fresh from the database, every call: a booking or a cancellation shows at once.

What depends on who asks is apart from that shared answer (`free_slots`, the same for everyone
with the same horizon): the caller's membership (`benefits_of`) lengthens the horizon, and
`member_access` marks the starts in members-only hours afterwards, with `domain.slot_access`, the
rule booking checks too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable

from booking_svc import domain, membership, store
from booking_svc.domain import Slot
from booking_svc.service import rows
from booking_svc.service.memberships import benefits_of
from booking_svc.service.setups import VenueSetups
from mesh.caller import Caller
from mesh.db import UnitOfWork
from mesh.errors import NotFound


class Availability:
    """Free slots and the schedule, read in one read-only transaction each."""

    def __init__(self, setups: VenueSetups, clock: Callable[[], dt.datetime] = rows.utcnow):
        self.setups = setups
        self.clock = clock

    def slots_for(self, uow: UnitOfWork, venue_id: str, day: dt.date, duration: int, court_id: str = "",
                  caller_id: str | None = None) -> tuple[store.Venue, list[tuple[store.Court, list[Slot]]],
                                                          dict[tuple[str, dt.datetime], domain.SlotAccess]]:
        """Free games per active court on the opening of local `day` as the caller (None: nobody signed
        in) sees them, and the access of each start in members-only hours."""
        benefits = membership.Benefits()  # nobody signed in: no membership to ask about
        if caller_id:
            with uow.session(read_only=True) as session:
                benefits = benefits_of(session, venue_id, caller_id, self.clock())
        venue, courts = self.free_slots(uow, venue_id, day, duration, court_id, benefits.extra_horizon_days)
        return venue, courts, self.member_access(venue, courts, benefits.member)

    def member_access(self, venue: store.Venue, courts: list[tuple[store.Court, list[Slot]]],
                      member: bool) -> dict[tuple[str, dt.datetime], domain.SlotAccess]:
        """(court id, start) → access of the starts still members-only, for a member or not."""
        hours = rows.member_hours(venue)
        if not hours:
            return {}
        rules, now = rows.rules_of(venue), self.clock()
        marks = {}
        for court, slots in courts:
            for slot in slots:
                access = domain.slot_access(rules, hours, court.id, slot.start, now, member)
                if access.opens_to_all_at is not None:
                    marks[(court.id, slot.start)] = access
        return marks

    def free_slots(self, uow: UnitOfWork, venue_id: str, day: dt.date, duration: int, court_id: str = "",
                   extra_horizon_days: int = 0) -> tuple[store.Venue, list[tuple[store.Court, list[Slot]]]]:
        """Free games per active court on the opening of local `day` (`extra_horizon_days` beyond the
        venue's horizon for members of a plan that gives them): one query for what is busy."""
        now = self.clock()
        with uow.session(read_only=True) as session:
            setup = self.setups.current(session, venue_id)
            rules = setup.rules
            if extra_horizon_days:
                rules = dataclasses.replace(rules, horizon_days=rules.horizon_days + extra_horizon_days)
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
