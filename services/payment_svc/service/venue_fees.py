"""Fees due at the venue: a booking paid at the venue (wholly, or all but a deposit) that is
cancelled late owes the venue's cancellation fee there, beyond what was kept of money paid online;
one nobody came to owes the part that was to be paid there. The player sees it on the bill; the
venue's owner records it collected, which the ledger keeps as a fee entry of its own."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

from sqlalchemy.orm import Session

from mesh.caller import Caller
from mesh.db import UnitOfWork
from mesh.errors import NotFound
from payment_svc import domain, store
from payment_svc.domain import EntryKind, VenueFacts, VenueFeeReason, VenueFeeState

log = logging.getLogger("padel.payment.venue_fees")


def charge_at_venue(session: Session, booking: store.Booking, reason: VenueFeeReason, amount: int,
                    now: dt.datetime) -> None:
    """Records a fee due at the venue; a booking owes one at most (its first reason stands)."""
    if amount <= 0 or session.get(store.VenueFee, booking.id) is not None:
        return
    session.add(store.VenueFee(booking_id=booking.id, reason=reason.value, amount_paisa=amount,
                               state=VenueFeeState.DUE.value, created_at=now))
    session.flush()


class VenueFees:
    def __init__(self, venue: Callable[[str], VenueFacts], clock: Callable[[], dt.datetime]):
        # Asks booking_svc about a venue (NotFound for no venue).
        self.venue = venue
        self.clock = clock

    def no_show(self, uow: UnitOfWork, booking_id: str) -> None:
        """BookingNoShow: what was to be paid at the venue is due there. Again: nothing."""
        with uow.session() as session:
            booking = session.get(store.Booking, booking_id)
            if booking is not None:
                charge_at_venue(session, booking, VenueFeeReason.NO_SHOW,
                                domain.no_show_fee(booking.price_paisa, booking.online_paisa), self.clock())

    def collect(self, uow: UnitOfWork, caller: Caller, booking_id: str) -> store.VenueFee:
        """The venue's owner (or an admin) took the fee: collected once, in the ledger as a fee.
        Recorded again, it stays as it was."""
        with uow.session(read_only=True) as session:
            booking = session.get(store.Booking, booking_id)
            if booking is None or session.get(store.VenueFee, booking_id) is None:
                raise NotFound(domain.NO_VENUE_FEE)
        domain.check_may_collect_venue_fee(caller, self.venue(booking.venue_id).owner_id,
                                           {booking.booker_id, *booking.player_ids})
        now = self.clock()
        with uow.session() as session:
            fee = session.get(store.VenueFee, booking_id, with_for_update=True)
            if fee.state == VenueFeeState.COLLECTED:
                return fee
            fee.state, fee.collected_at, fee.collected_by = VenueFeeState.COLLECTED.value, now, caller.user_id
            store.record(session, booking_id, EntryKind.FEE, fee.amount_paisa, now)
            log.info("venue fee collected", extra={"booking": booking_id, "amount_paisa": fee.amount_paisa})
            return fee
