"""Refunds: after a cancellation each paid share goes back to the wallet it came from, less its part
of the fee booking_svc computed by the venue's policy; the fee and the commission on it stay in the
ledger, and what the fee asks beyond that of a booking paid at the venue is due there. A refund is sent by the settlement job and counts (ledger, receipt) once the provider confirms."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable, Mapping

from sqlalchemy.orm import Session

from mesh.db import UnitOfWork, after_commit
from payment_svc import domain, events, metrics, store
from payment_svc.domain import BOOKING_CANCELLED, UNPAID, EntryKind, ShareState, VenueFeeReason, Wallet
from payment_svc.providers import Provider, ProviderDown, RefundRefused
from payment_svc.service.bills import share_view
from payment_svc.service.venue_fees import charge_at_venue

log = logging.getLogger("padel.payment.refunds")
RETRY = dt.timedelta(seconds=30)
# A refund refused by the provider needs a person; it is asked again rarely.
RETRY_REFUSED = dt.timedelta(hours=1)


def give_back(session: Session, booking: store.Booking, paid: list[store.Share], fee: int, now: dt.datetime) -> None:
    """Plans the refund of `paid` shares, keeping `fee` from them in proportion, and records the fee
    and the commission the platform keeps on it."""
    for plan, share in zip(domain.refund_plan([share_view(s) for s in paid], fee), paid):
        if plan.fee:
            store.record(session, booking.id, EntryKind.FEE, plan.fee, now, share.id, share.payment_id)
        if plan.refund:
            store.plan_refund(session, booking.id, share, plan.refund, plan.fee, now)
        else:
            share.state = ShareState.REFUNDED.value  # the fee kept all of it: nothing to send
    session.flush()
    balance = domain.balance(store.as_entries(store.entries_of(session, booking.id)))
    commission = domain.commission_kept(booking.commission_paisa, booking.price_paisa, balance.fees)
    if commission != balance.commission:  # a reversal entry, never an edit
        store.record(session, booking.id, EntryKind.COMMISSION, commission - balance.commission, now)


class Refunds:
    def __init__(self, providers: Mapping[Wallet, Provider], clock: Callable[[], dt.datetime]):
        self.providers = providers
        self.clock = clock

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
        """Sends every refund due to its wallet; returns how many the providers confirmed."""
        now = self.clock()
        with uow.session() as session:
            due = [(refund, session.get(store.Payment, refund.payment_id)) for refund in store.refunds_to_send(session, now)
                   if store.claim(session, refund, "next_try_at", now + RETRY)]
        return sum(self._send(uow, refund, payment) for refund, payment in due)

    def _send(self, uow: UnitOfWork, refund: store.Refund, payment: store.Payment) -> bool:
        wallet = Wallet(payment.wallet)
        try:
            provider_reference = self.providers[wallet].refund(payment.reference, refund.reference, refund.amount_paisa)
        except ProviderDown as error:
            log.warning("refund not sent; will retry", extra={"refund": refund.reference, "wallet": wallet.value,
                                                               "error": str(error)})
            return False
        except RefundRefused as error:
            log.error("refund refused by the provider", extra={"refund": refund.reference, "wallet": wallet.value,
                                                               "error": str(error)})
            with uow.session() as session:
                session.get(store.Refund, refund.id).next_try_at = self.clock() + RETRY_REFUSED
            return False
        now = self.clock()
        with uow.session() as session:
            row = session.get(store.Refund, refund.id)
            if row.sent_at is not None:
                return False
            row.sent_at = now
            share = session.get(store.Share, row.share_id)
            share.state = ShareState.REFUNDED.value
            store.record(session, row.booking_id, EntryKind.REFUNDED, row.amount_paisa, now, share.id, payment.id)
            payment = session.get(store.Payment, payment.id)
            log.info("refund sent", extra={"refund": row.reference, "wallet": wallet.value,
                                           "provider_reference": provider_reference})
            events.refunded(session, payment, share, row.amount_paisa, row.fee_paisa)
            after_commit(session, lambda: metrics.REFUNDED_PAISA.labels(wallet.value).inc(refund.amount_paisa))
        return True
