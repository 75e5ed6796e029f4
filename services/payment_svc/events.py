"""What payment_svc publishes, each written to the outbox in the caller's transaction: an invited
player's share to pay (the payment request), a capture (receipts; booking confirms a fully paid
pending booking), a refund (receipts; also a share the fee kept whole) or its failure, shares that
fell to the booker (the booker is told what is owed), a venue's new payment mode (booking_svc says
where a cancellation fee is due)."""

from __future__ import annotations

from padel.payment.v1 import events_pb2
from sqlalchemy.orm import Session

from mesh import outbox, plumbing
from payment_svc import convert, store

STREAM = plumbing.stream("payment")


def share_requested(session: Session, booking_id: str, booker_id: str, share: store.Share) -> None:
    outbox.publish(session, STREAM, events_pb2.SharePaymentRequested(
        booking_id=booking_id, booker_id=booker_id, share=convert.share(share)))


def captured(session: Session, payment: store.Payment, booking_paid: bool) -> None:
    outbox.publish(session, STREAM, events_pb2.PaymentCaptured(payment=convert.payment(payment),
                                                               booking_paid=booking_paid))


def refunded(session: Session, payment: store.Payment, refund: store.Refund) -> None:
    outbox.publish(session, STREAM, events_pb2.PaymentRefunded(
        payment=convert.payment(payment), share_id=refund.share_id, refund=convert.money(refund.amount_paisa),
        fee=convert.money(refund.fee_paisa), refund_provider_reference=refund.provider_reference,
        refund_reference=refund.reference))


def kept_as_fee(session: Session, payment: store.Payment, share_id: str, fee: int) -> None:
    """A paid share the cancellation fee kept whole: a refund of nothing, so its receipt says so."""
    outbox.publish(session, STREAM, events_pb2.PaymentRefunded(
        payment=convert.payment(payment), share_id=share_id, refund=convert.money(0), fee=convert.money(fee)))


def refund_failed(session: Session, payment: store.Payment, refund: store.Refund, venue_owner_id: str) -> None:
    outbox.publish(session, STREAM, events_pb2.RefundFailed(
        payment=convert.payment(payment), share_id=refund.share_id, refund=convert.money(refund.amount_paisa),
        venue_owner_id=venue_owner_id, refund_reference=refund.reference))


def venue_payment_changed(session: Session, row: store.VenuePayment) -> None:
    """booking_svc keeps whether the venue is paid at the venue (where a cancellation fee is due)."""
    outbox.publish(session, STREAM, events_pb2.VenuePaymentChanged(venue_payment=convert.venue_payment(row.venue_id, row)))


def owed_by_booker(session: Session, booking: store.Booking, shares: list[store.Share], owed: int) -> None:
    outbox.publish(session, STREAM, events_pb2.SharesOwedByBooker(
        booking_id=booking.id, booker_id=booking.booker_id, shares=[convert.share(s) for s in shares],
        owed=convert.money(owed)))
