"""Venue setup: venues (with their opening hours and policies), courts, closures and price rules.

An owner manages only their venues, an admin any (`domain.check_may_manage`); finding venues, a
venue and its prices is public. A change to a venue's settings, courts or prices raises its setup
version in the same transaction (what keeps every replica's `VenueSetups` exact).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from sqlalchemy.orm import Session

from booking_svc import domain, store
from booking_svc.service import rows
from booking_svc.service.answers import Answers, Kept
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, new_id
from mesh.errors import FailedPrecondition, InvalidArgument, NotFound
from mesh.pager import Page


class Venues:
    """Setting up and finding venues."""

    def __init__(self, clock: Callable[[], dt.datetime] = utcnow, max_searches: int = 4096):
        self.clock = clock
        # Search pages asked for, exact by the venue search version (migration 0014).
        self._searches: Answers[Page[store.VenueView]] = Answers(max_searches)

    @staticmethod
    def _managed(session: Session, caller: Caller, venue_id: str) -> store.Venue:
        venue = rows.venue(session, venue_id)
        domain.check_may_manage(caller, venue.owner_id)
        return venue

    @staticmethod
    def _retire(court: store.Court, at: dt.datetime) -> None:
        """The court takes no new bookings from `at` (retired again, it keeps its first time)."""
        if court.active:
            court.active, court.retired_at = False, at

    @classmethod
    def _changing(cls, session: Session, caller: Caller, venue_id: str) -> store.Venue:
        """A venue the caller manages, whose setup this transaction changes."""
        venue = cls._managed(session, caller, venue_id)
        store.bump_setup_version(venue)
        return venue

    @staticmethod
    def _new_court(session: Session, venue: store.Venue, columns: dict[str, Any], now: dt.datetime) -> store.Court:
        if not (columns.get("name") or "").strip():
            raise InvalidArgument.field("court.name", "is required")
        court = store.Court(id=new_id(), venue_id=venue.id, created_at=now,
                            **{"environment": 0, "surface": 0, "active": True, **columns})
        session.add(court)
        session.flush()
        return court

    # -- venues -------------------------------------------------------------------------------------

    def create(self, uow: UnitOfWork, caller: Caller, columns: dict[str, Any],
               courts: list[dict[str, Any]]) -> store.VenueView:
        """A venue owned by the caller (a venue owner or an admin), with its first courts."""
        domain.check_may_open_venues(caller)
        for field in ("name", "city", "opening_hours"):
            if not columns.get(field):
                raise InvalidArgument.field(f"venue.{field}", "is required")
        now = self.clock()
        venue = store.Venue(id=new_id(), owner_id=caller.user_id, created_at=now, updated_at=now,
                            **{**domain.VENUE_DEFAULTS, **columns})
        venue.city_key = venue.city.strip().lower()
        domain.check_venue_rules(rows.rules_of(venue))
        rows.check_window_courts([], columns.get("member_hours", []), "venue.member_hours")  # no court has an id yet
        with uow.session() as session:
            session.add(venue)
            session.flush()
            added = [self._new_court(session, venue, court, now) for court in courts]
        return store.VenueView(venue, added)

    def update(self, uow: UnitOfWork, caller: Caller, venue_id: str, columns: dict[str, Any]) -> store.VenueView:
        with uow.session() as session:
            venue = self._changing(session, caller, venue_id)
            for name, value in columns.items():
                if name in ("name", "city") and not (value or "").strip():
                    raise InvalidArgument.field(f"venue.{name}", "cannot be empty")
                setattr(venue, name, value)
            # Payment online is taken during the hold: confirmed at once, bookings would go unpaid.
            if columns.get("instant_confirmation") and not venue.paid_at_venue:
                raise FailedPrecondition("this venue takes payment online and holds each booking until it is paid: "
                                         "keep confirmation_mode CONFIRMATION_MODE_MANUAL, or choose payment at the "
                                         "venue first", reason="VENUE_PAID_ONLINE")
            venue.city_key = venue.city.strip().lower()
            venue.updated_at = self.clock()
            domain.check_venue_rules(rows.rules_of(venue))
            courts = store.courts_of(session, venue.id)
            rows.check_window_courts([c.id for c in courts], venue.member_hours, "venue.member_hours")
            return store.VenueView(venue, courts, 0.0, *store.venue_rating(session, venue.id))

    def get(self, uow: UnitOfWork, venue_id: str) -> store.VenueView:
        with uow.session(read_only=True) as session:
            venue = rows.venue(session, venue_id)
            return store.VenueView(venue, store.courts_of(session, venue.id), 0.0, *store.venue_rating(session, venue.id))

    def search(self, uow: UnitOfWork, city: str, query: str, near: tuple[float, float] | None, radius_km: float,
               page_size: int, page_token: str, by_rating: bool = False) -> Page[store.VenueView]:
        """One page of active venues: by name, best rated first, or nearest first within `radius_km` of `near`."""
        return self._search(uow, (city, query, near, radius_km, page_size, page_token, by_rating)).value

    def rendered_search(self, uow: UnitOfWork, city: str, query: str, near: tuple[float, float] | None,
                        radius_km: float, page_size: int, page_token: str, by_rating: bool,
                        render: Callable[[Page[store.VenueView]], Any],
                        text: Callable[[Any], Any] | None = None) -> Any:
        """`render(page)` of `search`, built once per kept answer; with `text`, `text(that answer)` (its
        JSON), kept beside it (a search looks the same to every caller)."""
        kept = self._search(uow, (city, query, near, radius_km, page_size, page_token, by_rating))
        shared = Answers.rendered(kept, render)
        return shared if text is None else Answers.rendered(kept, lambda _: text(shared), "text")

    def _search(self, uow: UnitOfWork, asked: tuple) -> Kept[Page[store.VenueView]]:
        """The page asked for: kept while the venue search version stays where it was."""
        city, query, near, radius_km, page_size, page_token, by_rating = asked
        if by_rating and near is not None:
            raise InvalidArgument.field("order_by_rating", "cannot be combined with near")
        version = store.venue_search_version(uow)
        kept = self._searches.get(asked, version)
        if kept is not None:
            return kept
        with uow.session(read_only=True) as session:
            # Read after the version: at least as new as it says.
            if by_rating:
                found = store.venues_by_rating(session, city, query, page_size, page_token)
            elif near is None:
                found = store.venues_by_name(session, city, query, page_size, page_token)
            else:
                bound = domain.haversine_within(radius_km or domain.DEFAULT_RADIUS_KM)
                found = store.venues_near(session, city, query, near, bound, page_size, page_token)
            courts = store.courts_of_venues(session, [v.id for v in found.items])
        return self._searches.keep(asked, version, Page(
            [store.VenueView.listed(v, courts[v.id], domain.distance_km(near, (v.latitude, v.longitude))
                                    if near is not None else 0.0) for v in found.items], found.next_page_token))

    # -- courts -------------------------------------------------------------------------------------

    def add_court(self, uow: UnitOfWork, caller: Caller, venue_id: str, columns: dict[str, Any]) -> store.Court:
        with uow.session() as session:
            venue = self._changing(session, caller, venue_id)
            return self._new_court(session, venue, columns, self.clock())

    def update_court(self, uow: UnitOfWork, caller: Caller, venue_id: str, court_id: str,
                     columns: dict[str, Any]) -> store.Court:
        with uow.session() as session:
            court = rows.court_at(session, self._changing(session, caller, venue_id), court_id)
            if "name" in columns and not columns["name"].strip():
                raise InvalidArgument.field("court.name", "cannot be empty")
            for name, value in columns.items():
                setattr(court, name, value)
            return court

    # -- closures -----------------------------------------------------------------------------------

    def add_closure(self, uow: UnitOfWork, caller: Caller, venue_id: str, court_id: str, start: dt.datetime,
                    end: dt.datetime, reason: str) -> store.Closure:
        if end <= start:
            raise InvalidArgument.field("end_time", "must be after start_time")
        with uow.session() as session:
            venue = self._managed(session, caller, venue_id)
            rows.court_at(session, venue, court_id)
            # Closing over sold time would leave players with bookings for a closed court; the
            # owner cancels those first (the players are told and refunded by the policy).
            booked = store.live_bookings_overlapping(session, court_id, start, end)
            if booked:
                raise FailedPrecondition(
                    f"{len(booked)} live booking(s) fall in this closure, the first at "
                    f"{domain.local_clock(rows.rules_of(venue), booked[0].start_time)}; cancel them first",
                    reason="COURT_BOOKED")
            closure = store.Closure(id=new_id(), venue_id=venue.id, court_id=court_id, start_time=start,
                                    end_time=end, reason=reason)
            session.add(closure)
            return closure

    def list_closures(self, uow: UnitOfWork, caller: Caller, venue_id: str, page_size: int,
                      page_token: str) -> Page[store.Closure]:
        with uow.session(read_only=True) as session:
            self._managed(session, caller, venue_id)
            return store.open_closures(session, venue_id, self.clock(), page_size, page_token)

    def delete_closure(self, uow: UnitOfWork, caller: Caller, venue_id: str, closure_id: str) -> None:
        with uow.session() as session:
            self._managed(session, caller, venue_id)
            closure = session.get(store.Closure, closure_id)
            if closure is None or closure.venue_id != venue_id:
                raise NotFound(f"no closure {closure_id} at this venue")
            # A lottery's closure keeps its prime slot off sale until the draw, which lifts it.
            if store.lottery_holding(session, closure.id) is not None:
                raise FailedPrecondition("this closure keeps a lottery's prime slot off sale until its draw, "
                                         "which lifts it", reason="LOTTERY_SLOT")
            session.delete(closure)

    # -- prices -------------------------------------------------------------------------------------

    def set_price_rules(self, uow: UnitOfWork, caller: Caller, venue_id: str, base_hourly_paisa: int,
                        rules: list[dict[str, Any]]) -> store.PriceList:
        with uow.session() as session:
            venue = self._changing(session, caller, venue_id)
            court_ids = {c.id for c in store.courts_of(session, venue.id)}
            # A rule given again unchanged keeps its id: the bookings it priced stay counted under it.
            kept = store.price_rule_ids(session, venue.id)
            added = []
            for i, rule in enumerate(rules):
                if rule["court_id"] and rule["court_id"] not in court_ids:
                    raise InvalidArgument.field(f"rules[{i}].court_id", "is not a court of this venue")
                domain.parse_hhmm(rule["start"], f"rules[{i}].start")
                domain.parse_hhmm(rule["end"], f"rules[{i}].end")
                rule_id = kept.pop(store.price_rule_key(rule), None) or new_id()
                added.append(store.PriceRule(id=rule_id, venue_id=venue.id, position=i, **rule))
            domain.check_price_windows_apart(rows.price_windows(added))
            store.delete_price_rules(session, venue.id)
            session.add_all(added)
            venue.base_hourly_price_paisa = base_hourly_paisa
            venue.updated_at = self.clock()
            return store.PriceList(base_hourly_paisa, added)

    def list_price_rules(self, uow: UnitOfWork, venue_id: str, page_size: int, page_token: str) -> store.PriceList:
        with uow.session(read_only=True) as session:
            venue = rows.venue(session, venue_id)
            found = store.price_rules_page(session, venue.id, page_size, page_token)
            return store.PriceList(venue.base_hourly_price_paisa, found.items, found.next_page_token)

    # -- an owner's venues, and retiring them -------------------------------------------------------

    def list_mine(self, uow: UnitOfWork, caller: Caller, page_size: int, page_token: str) -> Page[store.VenueView]:
        """One page of the caller's venues by name, retired ones included (venue owners and admins)."""
        domain.check_may_open_venues(caller)
        with uow.session(read_only=True) as session:
            found = store.venues_of_owner(session, caller.user_id, page_size, page_token)
            courts = store.courts_of_venues(session, [v.id for v in found.items])
        return Page([store.VenueView.listed(v, courts[v.id]) for v in found.items], found.next_page_token)

    def retire_court(self, uow: UnitOfWork, caller: Caller, venue_id: str,
                     court_id: str) -> tuple[store.Court, list[store.BookingView]]:
        """The court takes no new bookings (its bookings stay valid); the answer lists its live
        bookings for the owner to move or cancel (cancelling tells the players)."""
        with uow.session() as session:
            venue = self._changing(session, caller, venue_id)
            court = rows.court_at(session, venue, court_id)
            self._retire(court, self.clock())
            venue.updated_at = self.clock()
            live = store.live_bookings_on(session, [court.id], self.clock())
            return court, [store.BookingView(b, venue, court) for b in live]

    def retire_venue(self, uow: UnitOfWork, caller: Caller,
                     venue_id: str) -> tuple[store.VenueView, list[store.BookingView]]:
        """The venue leaves the listings and takes no new bookings; the answer lists its live bookings.
        Its courts are retired with it (a court retired earlier keeps its time), so the owner's report
        counts no open minutes after the venue closed."""
        with uow.session() as session:
            venue = self._changing(session, caller, venue_id)
            venue.active = False
            venue.updated_at = self.clock()
            courts = store.courts_of(session, venue.id)
            for court in courts:
                self._retire(court, venue.updated_at)
            by_id = {c.id: c for c in courts}
            live = store.live_bookings_on(session, list(by_id), self.clock())
            return store.VenueView(venue, courts), [store.BookingView(b, venue, by_id[b.court_id]) for b in live]
