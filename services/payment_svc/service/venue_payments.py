"""Venue payments: how a venue is paid (at the venue, a deposit online, or in full online), chosen
by its owner; bookings made afterwards follow it."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from mesh.caller import Caller
from mesh.db import UnitOfWork
from payment_svc import domain, events, store
from payment_svc.domain import PaymentMode, VenueFacts


class VenuePayments:
    def __init__(self, venue: Callable[[str], VenueFacts], clock: Callable[[], dt.datetime]):
        # Asks booking_svc about a venue (NotFound for no venue).
        self.venue = venue
        self.clock = clock

    def get(self, uow: UnitOfWork, venue_id: str) -> store.VenuePayment | None:
        """The venue's mode; None: paid at the venue."""
        with uow.session(read_only=True) as session:
            return session.get(store.VenuePayment, venue_id)

    def set(self, uow: UnitOfWork, caller: Caller, venue_id: str, mode: PaymentMode,
            deposit_percent: int) -> store.VenuePayment:
        domain.check_venue_payment(caller, self.venue(venue_id), mode, deposit_percent)
        with uow.session() as session:
            row = session.get(store.VenuePayment, venue_id) or store.VenuePayment(venue_id=venue_id)
            row.mode, row.updated_at = mode.value, self.clock()
            row.deposit_percent = deposit_percent if mode == PaymentMode.DEPOSIT else 0
            session.add(row)
            events.venue_payment_changed(session, row)
            return row
