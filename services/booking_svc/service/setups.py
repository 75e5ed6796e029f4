"""Each venue's setup (settings, courts, prices) kept in this process for the hot reads, exact.

A setup is kept with the venue's setup version. Every change to a venue's settings, courts or prices
raises that version in its own transaction (`store.bump_setup_version`), and every reader reads the
version in its own transaction before using what is kept, so a change is seen by the very next call
here and in every other replica. Nothing expires by time. What availability must always read fresh
(bookings, closures, the clock) is never kept here.
"""

from __future__ import annotations

import dataclasses
import threading

from sqlalchemy.orm import Session

from booking_svc import domain, store
from booking_svc.service import rows
from mesh.errors import NotFound

# Price tables kept per setup: one per opening day asked for and price list (a few days ahead).
MAX_DAYS_PRICED = 64


@dataclasses.dataclass(frozen=True)
class VenueSetup:
    """A venue's setup as of `version`: its row and courts (detached, read only), rules and prices."""

    version: int
    venue: store.Venue
    courts: tuple[store.Court, ...]
    rules: domain.VenueRules
    windows: tuple[domain.PriceWindow, ...]
    _day_prices: dict = dataclasses.field(default_factory=dict, compare=False)

    def court(self, court_id: str) -> store.Court | None:
        return next((c for c in self.courts if c.id == court_id), None)

    def day_prices(self, court_id: str, span: domain.Interval) -> domain.DayPrices:
        """Prices of games in `span` on `court_id`; courts without rules of their own share one table."""
        own = any(w.court_id == court_id for w in self.windows)
        key = (span[0], court_id if own else None)
        prices = self._day_prices.get(key)
        if prices is None:
            if len(self._day_prices) >= MAX_DAYS_PRICED:
                self._day_prices.clear()
            prices = self._day_prices[key] = domain.DayPrices(self.rules, self.windows, court_id, span)
        return prices


class VenueSetups:
    """The setups of the venues asked about, by venue id (at most `max_venues`)."""

    def __init__(self, max_venues: int = 1024):
        self.max_venues = max_venues
        self._kept: dict[str, VenueSetup] = {}
        self._lock = threading.Lock()

    def current(self, session: Session, venue_id: str, version: int | None = None) -> VenueSetup:
        """The venue's setup as the session's transaction sees it (at `version` when the caller has
        just read it there); NotFound for no such venue."""
        if version is None:
            version = store.setup_version(session, venue_id)
        if version is None:
            raise NotFound(f"no venue {venue_id}")
        kept = self._kept.get(venue_id)
        if kept is not None and kept.version == version:
            return kept
        # Loaded after the version was read: at least as new as `version`, so never kept as older
        # than it is (a change in between only makes the next call load it again).
        venue = rows.venue(session, venue_id)
        courts = store.courts_of(session, venue_id)
        windows = tuple(rows.price_windows(store.price_rules_of(session, venue_id)))
        for row in (venue, *courts):
            session.expunge(row)  # kept beyond this session, untouched by its end or a rollback
        setup = VenueSetup(version, venue, tuple(courts), rows.rules_of(venue), windows)
        with self._lock:
            if len(self._kept) >= self.max_venues:
                self._kept.clear()
            self._kept[venue_id] = setup
        return setup

    def windows_of(self, session: Session, venue: store.Venue) -> list[domain.PriceWindow]:
        """The price windows of a venue row read in the session's transaction (kept ones if current)."""
        kept = self._kept.get(venue.id)
        if kept is not None and kept.version == venue.setup_version:
            return list(kept.windows)
        return rows.price_windows(store.price_rules_of(session, venue.id))
