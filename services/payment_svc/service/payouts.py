"""Payouts: an owner's report of one opening day at a venue (booking_svc's: a game after midnight
belongs to the night it started in), per booking (and membership plan paid
online, on the day it fell due), from the ledger: what was paid, refunded, kept as fees and is still
due, refunds the wallet refused, and the platform's commission apart: on money paid online (in the
ledger) and on money the venue takes itself (owed by the owner), so the net agrees with booking_svc's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from mesh.caller import Caller
from mesh.commission import commission_on
from mesh.db import UnitOfWork
from payment_svc import domain, store
from payment_svc.domain import BOOKING_PENDING, Balance, VenueFacts, VenueFeeState
from payment_svc.service.bills import bill_of


@dataclass(frozen=True)
class PayoutLine:
    booking_id: str
    price: int
    due: int
    balance: Balance
    at_venue: int = 0
    venue_fees_due: int = 0
    venue_fees_collected: int = 0
    refunds_failed: int = 0  # refused by the wallet: the venue or support settles them
    membership_id: str = ""  # a membership plan's income (booking_id is its payment due)
    # The platform's commission on what the venue takes itself (at_venue, venue fees): the owner owes
    # it, set against the payout.
    commission_at_venue: int = 0

    @property
    def net(self) -> int:
        """What the venue keeps in all: the payout, and what it takes itself less the commission on
        that; booking_svc's report of the owner's net revenue counts the same."""
        return (self.balance.payout + self.at_venue + self.venue_fees_due + self.venue_fees_collected
                - self.commission_at_venue)


@dataclass(frozen=True)
class PayoutReport:
    lines: list[PayoutLine]
    totals: PayoutLine
    next_page_token: str


class Payouts:
    def __init__(self, venue: Callable[[str], VenueFacts]):
        # Asks booking_svc about a venue (NotFound for no venue).
        self.venue = venue

    def report(self, uow: UnitOfWork, caller: Caller, venue_id: str, day: dt.date, page_size: int,
               page_token: str) -> PayoutReport:
        domain.check_may_see_payouts(caller, self.venue(venue_id).owner_id)
        with uow.session(read_only=True) as session:
            page = store.payout_page(session, venue_id, day, page_size, page_token)
            lines = [self._line(session, booking) for booking in page.items]
            every = [self._line(session, booking) for booking in store.bookings_of_day(session, venue_id, day)]
        totals = PayoutLine("", sum(l.price for l in every), sum(l.due for l in every), Balance(
            *(sum(getattr(l.balance, f) for l in every) for f in ("captured", "refunded", "fees", "commission"))),
            *(sum(getattr(l, f) for l in every) for f in ("at_venue", "venue_fees_due", "venue_fees_collected",
                                                        "refunds_failed")),
            commission_at_venue=sum(l.commission_at_venue for l in every))
        return PayoutReport(lines, totals, page.next_page_token)

    @staticmethod
    def _line(session, booking: store.Booking) -> PayoutLine:
        bill = bill_of(session, booking)
        fee = bill.venue_fee
        due, collected = (0, 0) if fee is None else (
            (fee.amount_paisa, 0) if fee.state == VenueFeeState.DUE else (0, fee.amount_paisa))
        # A booking still pending (the venue has not confirmed it; its hold may run out) is no money
        # to take at the venue yet: booking_svc's report counts no revenue for it either.
        at_venue = 0 if booking.status == BOOKING_PENDING else bill.at_venue
        # The commission on all the venue keeps, less what the ledger has on the part kept online: the
        # two add up to the booking's commission on its price (or on a cancellation's fee), to the paisa.
        online, taken_there = bill.balance.paid, at_venue + due + collected
        there = (commission_on(booking.commission_paisa, booking.price_paisa, online + taken_there)
                 - commission_on(booking.commission_paisa, booking.price_paisa, online))
        return PayoutLine(booking.id, booking.price_paisa, bill.due, bill.balance, at_venue, due, collected,
                          store.failed_refunds_of(session, booking.id), booking.membership_id or "", there)
