"""A venue's day: what is free to book (public) and what is sold (the venue's schedule).

Free slots are answered from a kept answer per (venue, day, duration, court) while it is exact: kept
with the venue's setup version and the day's bookings version, which the database raises in every
transaction that writes a booking of that day or a closure (migration 0014), and with the moment
time alone changes it (the first start passing, the first hold running out). Each call reads both
versions in one statement of its own (`UnitOfWork.first_row`: no transaction around it) and only
when they moved reads the day, in a transaction begun after that; so a booking or a cancellation
made through any replica shows in the very next call; nothing expires by a TTL. The answer is public: anything that depends on who asks
must be applied to it, never kept in it.

What depends on who asks is applied after that shared answer: the caller's membership
(`benefits_of`) lengthens the horizon (part of the answer's key), and `member_access` marks the
starts in members-only hours afterwards, with `domain.slot_access`, the rule booking checks too.
The REST route's JSON (`rendered_for`'s `text`) is kept beside the shared response only when no
marks apply; a marked answer's JSON is printed for its call.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable

from booking_svc import domain, membership, store
from booking_svc.domain import Slot
from booking_svc.service import rows
from booking_svc.service.answers import Answers, Kept
from booking_svc.service.memberships import benefits_of
from booking_svc.service.setups import VenueSetups
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from mesh.errors import NotFound

CourtSlots = list[tuple[store.Court, list[Slot]]]


@dataclasses.dataclass(frozen=True)
class FreeSlots:
    """One answer: the venue and each court's free games, exact until the clock reaches `until`
    (and while the versions it is kept at hold)."""

    until: dt.datetime
    venue: store.Venue
    courts: CourtSlots


class Availability:
    """Free slots and the schedule, read in one read-only transaction each."""

    def __init__(self, setups: VenueSetups, clock: Callable[[], dt.datetime] = utcnow,
                 max_answers: int = 4096):
        self.setups = setups
        self.clock = clock
        self._answers: Answers[FreeSlots] = Answers(max_answers)

    def _benefits(self, uow: UnitOfWork, venue_id: str, caller_id: str | None) -> membership.Benefits:
        """What the caller's memberships at the venue give them (nothing for nobody signed in)."""
        if not caller_id:
            return membership.Benefits()
        with uow.session(read_only=True) as session:
            return benefits_of(session, venue_id, caller_id, self.clock())

    def slots_for(self, uow: UnitOfWork, venue_id: str, day: dt.date, duration: int, court_id: str = "",
                  caller_id: str | None = None) -> tuple[store.Venue, CourtSlots,
                                                          dict[tuple[str, dt.datetime], domain.SlotAccess]]:
        """Free games per active court on the opening of local `day` as the caller (None: nobody signed
        in) sees them, and the access of each start in members-only hours."""
        benefits = self._benefits(uow, venue_id, caller_id)
        venue, courts = self.free_slots(uow, venue_id, day, duration, court_id, benefits.extra_horizon_days)
        return venue, courts, self.member_access(venue, courts, benefits.member)

    def rendered_for(self, uow: UnitOfWork, venue_id: str, day: dt.date, duration: int, court_id: str,
                     caller_id: str | None, render: Callable[[store.Venue, dt.date, CourtSlots], Any],
                     mark: Callable[[Any, dict[tuple[str, dt.datetime], domain.SlotAccess]], Any],
                     text: Callable[[Any], Any] | None = None) -> Any:
        """The free games for the caller's horizon as the caller sees them: `render(venue, day, courts)`,
        built once per kept answer (shared: never changed), with `mark(shared, access)` applying the
        caller's members-only marks (to a copy). With `text`, `text(that answer)` (its JSON): kept
        beside the shared answer when no marks apply (every caller sees the same), else built for the
        call, so one caller's view is never kept for another."""
        benefits = self._benefits(uow, venue_id, caller_id)
        kept = self.answer(uow, venue_id, day, duration, court_id, benefits.extra_horizon_days)
        shared = Answers.rendered(kept, lambda free: render(free.venue, day, free.courts))
        access = self.member_access(kept.value.venue, kept.value.courts, benefits.member)
        if not access:
            return shared if text is None else Answers.rendered(kept, lambda _: text(shared), "text")
        answer = mark(shared, access)
        return answer if text is None else text(answer)

    def member_access(self, venue: store.Venue, courts: CourtSlots,
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

    def free_slots(self, uow: UnitOfWork, venue_id: str, day: dt.date, duration: int,
                   court_id: str = "", extra_horizon_days: int = 0) -> tuple[store.Venue, CourtSlots]:
        """Free games per active court on the opening of local `day` (`extra_horizon_days` beyond the
        venue's horizon for members of a plan that gives them)."""
        answer = self.answer(uow, venue_id, day, duration, court_id, extra_horizon_days).value
        return answer.venue, answer.courts

    def rendered(self, uow: UnitOfWork, venue_id: str, day: dt.date, duration: int, court_id: str,
                 render: Callable[[store.Venue, dt.date, CourtSlots], Any]) -> Any:
        """`render(venue, day, courts)` of the free games, built once per kept answer."""
        return Answers.rendered(self.answer(uow, venue_id, day, duration, court_id),
                                lambda answer: render(answer.venue, day, answer.courts))

    def answer(self, uow: UnitOfWork, venue_id: str, day: dt.date, duration: int,
               court_id: str = "", extra_horizon_days: int = 0) -> Kept[FreeSlots]:
        """The free games as of now (to `extra_horizon_days` beyond the venue's horizon): the kept
        answer while exact, else one query for what is busy."""
        now = self.clock()
        key = (venue_id, day, duration, court_id, extra_horizon_days)
        versions = store.day_versions(uow, venue_id, day)
        if versions is None:
            raise NotFound(f"no venue {venue_id}")
        kept = self._answers.get(key, versions)
        if kept is not None and now < kept.value.until:
            return kept
        with uow.session(read_only=True) as session:
            setup = self.setups.current(session, venue_id, versions[0])
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
                return Kept(versions, FreeSlots(now, setup.venue, [(c, []) for c in courts]))  # not kept
            window = domain.opening_window(rules, day)
            # Read after the versions: at least as new as they say (a write in between only makes
            # the next call read again).
            busy, first_expiry = store.busy_intervals(session, [c.id for c in courts], *window, now)
        length = dt.timedelta(minutes=duration)
        courts_slots = []
        for court in courts:
            prices = setup.day_prices(court.id, window)
            courts_slots.append((court, [Slot(s, s + length, prices.price(s, duration))
                                         for s in domain.free_starts(starts, duration, busy[court.id])]))
        until = min(starts[0], first_expiry or starts[0])
        return self._answers.keep(key, versions, FreeSlots(until, setup.venue, courts_slots))

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
