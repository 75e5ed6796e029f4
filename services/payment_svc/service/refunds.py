"""Refunds: after a cancellation each paid share goes back to the wallet it came from, less its part
of the fee booking_svc computed by the venue's policy (kept from the booker's money first); the fee and the commission on it stay in the
ledger, and what the fee asks beyond that of a booking paid at the venue is due there. A refund is sent by the settlement job and counts (ledger, receipt) once the provider confirms;
one sent before whose answer was lost is looked up at the provider first, and one the provider
refuses is recorded failed for the venue or support to settle."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable, Mapping

from sqlalchemy.orm import Session

from mesh.commission import commission_on
from mesh.db import UnitOfWork, after_commit
from mesh.errors import DomainError
from payment_svc import domain, events, metrics, store
from payment_svc.domain import BOOKING_CANCELLED, UNPAID, EntryKind, ShareState, VenueFacts, VenueFeeReason, Wallet
from payment_svc.providers import NoSuchTransaction, Provider, ProviderDown, RefundRefused
from payment_svc.service.bills import share_view
from payment_svc.service.venue_fees import charge_at_venue

log = logging.getLogger("padel.payment.refunds")
RETRY = dt.timedelta(seconds=30)


def give_back(session: Session, booking: store.Booking, paid: list[store.Share], fee: int, now: dt.datetime) -> None:
    """Plans the refund of `paid` shares, keeping `fee` from those the booker paid first
    (domain.refund_plan), and records the fee and the commission the platform keeps on it."""
    bookers = [s.id for s in paid if s.paid_by == booking.booker_id]
    for plan, share in zip(domain.refund_plan([share_view(s) for s in paid], fee, bookers), paid):
        if plan.fee:
            store.record(session, booking.id, EntryKind.FEE, plan.fee, now, share.id, share.payment_id)
        if plan.refund:
            store.plan_refund(session, booking.id, share, plan.refund, plan.fee, now)
        else:  # the fee kept all of it: nothing to send, but the payer is told what became of it
            share.state = ShareState.REFUNDED.value
            events.kept_as_fee(session, session.get(store.Payment, share.payment_id), share.id, plan.fee)
    session.flush()
    balance = domain.balance(store.as_entries(store.entries_of(session, booking.id)))
    commission = commission_on(booking.commission_paisa, booking.price_paisa, balance.fees)
    if commission != balance.commission:  # a reversal entry, never an edit
        store.record(session, booking.id, EntryKind.COMMISSION, commission - balance.commission, now)


class Refunds:
    def __init__(self, providers: Mapping[Wallet, Provider], clock: Callable[[], dt.datetime],
                 venue: Callable[[str], VenueFacts] | None = None):
        self.providers = providers
        self.clock = clock
        # Who owns a venue (booking_svc): the owner is told of a refund that failed.
        self.venue = venue

    def _owner_of(self, venue_id: str) -> str:
        try:
            return self.venue(venue_id).owner_id if self.venue else ""
        except DomainError as error:  # the payer is told anyway; the owner sees it in the payout report
            log.warning("venue owner not known for a failed refund", extra={"venue": venue_id, "error": str(error)})
            return ""

    def booking_cancelled(self, uow: UnitOfWork, booking_id: str, fee: int) -> None:
        """BookingCancelled: unpaid shares are void, paid ones are refunded less their part of `fee`.
        Handled again, it finds the booking cancelled already and does nothing."""
        now = self.clock()
        with uow.session() as session:
            booking = session.get(store.Booking, booking_id, with_for_update=True)
            if booking is None or booking.status == BOOKING_CANCELLED:
                return
            booking.status, booking.updated_at = BOOKING_CANCELLED, now
            shares = store.shares_of(session, booking_id)
            for share in shares:
                if share.share_state in UNPAID:
                    share.state = ShareState.VOID.value
            going_back = store.refunding(session, booking_id)  # shares a re-balance gives back already
            give_back(session, booking, [s for s in shares if s.share_state == ShareState.PAID and s.id not in going_back],
                      fee, now)
            kept_online = domain.balance(store.as_entries(store.entries_of(session, booking_id))).fees
            charge_at_venue(session, booking, VenueFeeReason.LATE_CANCELLATION,
                            domain.venue_fee_due(booking.price_paisa, booking.online_paisa, fee, kept_online), now)

    def send_due(self, uow: UnitOfWork) -> int:
        """Sends every refund due to its wallet; returns how many the providers confirmed. Each try is
        counted before the call, so a refund whose answer was lost is looked up before it is sent again."""
        now = self.clock()
        with uow.session() as session:
            due = []
            for refund in store.refunds_to_send(session, now):
                if store.claim(session, refund, "next_try_at", now + RETRY):
                    due.append((refund, session.get(store.Payment, refund.payment_id), refund.tries > 0))
                    refund.tries += 1
        return sum(self._send(uow, refund, payment, tried) for refund, payment, tried in due)

    def _send(self, uow: UnitOfWork, refund: store.Refund, payment: store.Payment, tried: bool) -> bool:
        wallet = Wallet(payment.wallet)
        provider = self.providers[wallet]
        try:
            if tried and self._made_already(uow, provider, refund, payment):
                log.info("refund found made at the provider; not sent again", extra={"refund": refund.reference})
                return self._sent(uow, refund, wallet, "")
            provider_reference = provider.refund(payment.reference, refund.reference, refund.amount_paisa)
        except (ProviderDown, NoSuchTransaction) as error:
            log.warning("refund not sent; will retry", extra={"refund": refund.reference, "wallet": wallet.value,
                                                               "error": str(error)})
            return False
        except RefundRefused as error:
            self._failed(uow, refund, wallet, str(error))
            return False
        return self._sent(uow, refund, wallet, provider_reference)

    @staticmethod
    def _made_already(uow: UnitOfWork, provider: Provider, refund: store.Refund, payment: store.Payment) -> bool:
        """Whether the provider gave back more of the attempt than the refunds we counted: then this
        refund, sent before and its answer lost, was made (one refund of an attempt is sent at a time)."""
        given_back = provider.refunded(payment.reference, payment.mobile_number)
        with uow.session(read_only=True) as session:
            counted = store.refunded_of_payment(session, payment.id)
        return given_back - counted >= refund.amount_paisa

    def _sent(self, uow: UnitOfWork, refund: store.Refund, wallet: Wallet, provider_reference: str) -> bool:
        now = self.clock()
        with uow.session() as session:
            if not store.finish_refund(session, refund.id, now, provider_reference[:64]):
                return False  # counted already (a racing replica): one refund is recorded once
            row = session.get(store.Refund, refund.id)
            share = session.get(store.Share, row.share_id)  # none for a late attempt given back whole
            if share is not None:
                share.state = ShareState.REFUNDED.value
            store.record(session, row.booking_id, EntryKind.REFUNDED, row.amount_paisa, now,
                         share.id if share else None, row.payment_id)
            payment = session.get(store.Payment, row.payment_id)
            log.info("refund sent", extra={"refund": row.reference, "wallet": wallet.value,
                                           "provider_reference": provider_reference})
            events.refunded(session, payment, row)
            after_commit(session, lambda: metrics.REFUNDED_PAISA.labels(wallet.value).inc(refund.amount_paisa))
        return True

    def _failed(self, uow: UnitOfWork, refund: store.Refund, wallet: Wallet, why: str) -> None:
        """A refund the provider refused is not sent again: recorded failed, counted, and the payer
        and the venue's owner told that the venue or support settles it."""
        log.error("refund refused by the provider; left to the venue or support", extra={
            "refund": refund.reference, "wallet": wallet.value, "error": why})
        now = self.clock()
        with uow.session() as session:
            if not store.fail_refund(session, refund.id, now, why[:200]):
                return
            row = session.get(store.Refund, refund.id)
            events.refund_failed(session, session.get(store.Payment, row.payment_id), row,
                                 self._owner_of(session.get(store.Booking, row.booking_id).venue_id))
            after_commit(session, metrics.REFUNDS_FAILED.labels(wallet.value).inc)
