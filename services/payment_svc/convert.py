"""The one module that knows both protobuf and payment_svc's domain and store types: messages to
values and back, paisa to Money, wallet and status enums, booking events to booking facts."""

from __future__ import annotations

import datetime as dt
import urllib.parse
import zoneinfo
from typing import TYPE_CHECKING, Sequence

from google.api import httpbody_pb2
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.payment.v1 import payment_pb2 as pb
from padel.payment.v1 import payment_service_pb2 as api

from mesh.convert import timestamp, to_datetime
from mesh.errors import InvalidArgument
from mesh.settings import DEFAULT_TIME_ZONE
from payment_svc import pages, store
from payment_svc.domain import (BOOKING_PENDING, BookingFacts, PaymentMode, PaymentState,
                                ShareState, VenueFacts, VenueFeeReason, VenueFeeState, Wallet)
from payment_svc.providers import Checkout

if TYPE_CHECKING:
    from payment_svc.service.exports import PaymentExport

WALLETS = {Wallet.JAZZCASH: pb.WALLET_JAZZCASH, Wallet.EASYPAISA: pb.WALLET_EASYPAISA}
WALLET_OF = {number: wallet for wallet, number in WALLETS.items()}
PAYMENT_STATES = {PaymentState.PENDING: pb.PAYMENT_STATUS_PENDING, PaymentState.CAPTURED: pb.PAYMENT_STATUS_CAPTURED,
                  PaymentState.DECLINED: pb.PAYMENT_STATUS_DECLINED}
SHARE_STATES = {ShareState.DUE: pb.SHARE_STATUS_DUE, ShareState.PAID: pb.SHARE_STATUS_PAID,
                ShareState.OWED_BY_BOOKER: pb.SHARE_STATUS_OWED_BY_BOOKER,
                ShareState.REFUNDED: pb.SHARE_STATUS_REFUNDED, ShareState.VOID: pb.SHARE_STATUS_VOID}
MODES = {PaymentMode.AT_VENUE: pb.PAYMENT_MODE_AT_VENUE, PaymentMode.DEPOSIT: pb.PAYMENT_MODE_DEPOSIT,
         PaymentMode.FULL: pb.PAYMENT_MODE_FULL}
MODE_OF = {**{number: mode for mode, number in MODES.items()}, pb.PAYMENT_MODE_UNSPECIFIED: PaymentMode.AT_VENUE}
VENUE_FEE_REASONS = {VenueFeeReason.LATE_CANCELLATION: pb.VENUE_FEE_REASON_LATE_CANCELLATION,
                     VenueFeeReason.NO_SHOW: pb.VENUE_FEE_REASON_NO_SHOW}
VENUE_FEE_STATES = {VenueFeeState.DUE: pb.VENUE_FEE_STATUS_DUE, VenueFeeState.COLLECTED: pb.VENUE_FEE_STATUS_COLLECTED}
BOOKING_STATUSES = {value: name.removeprefix("BOOKING_STATUS_").lower()
                    for name, value in booking_pb2.BookingStatus.items() if value}
BOOKING_STATUS_OF = {name: value for value, name in BOOKING_STATUSES.items()}


def money(paisa: int) -> booking_pb2.Money:
    return booking_pb2.Money(amount_paisa=paisa, currency="PKR")


def booking_facts(snapshot: booking_events.BookingSnapshot, left_late: Sequence[str] = ()) -> BookingFacts:
    """What payments keeps of a booking event; its day is the venue's opening day booking_svc gives (an
    event from before it gave one: the start's local date). `left_late`: BookingParticipantsChanged's
    (or InvitationDeclined's) players who left late."""
    start = to_datetime(snapshot.start_time)
    try:
        zone = zoneinfo.ZoneInfo(snapshot.time_zone or DEFAULT_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)
    players = [snapshot.player_id, *snapshot.participant_ids]
    prices = {p.player_id: p.price.amount_paisa for p in snapshot.player_prices}
    return BookingFacts(
        booking_id=snapshot.booking_id, venue_id=snapshot.venue_id, booker_id=snapshot.player_id,
        player_ids=players, start=start,
        local_date=dt.date.fromisoformat(snapshot.opening_date) if snapshot.opening_date else start.astimezone(zone).date(),
        price=snapshot.price.amount_paisa,
        commission=snapshot.commission.amount_paisa, status=BOOKING_STATUSES.get(snapshot.status, "pending"),
        # Only when every player has one (an older booking's event has none: equal shares).
        player_prices=tuple(prices[p] for p in players) if set(players) <= prices.keys() else (),
        left_late=tuple(left_late))


def membership_due_facts(due: booking_events.MembershipPaymentDue) -> BookingFacts:
    """A membership plan to pay online as a bill's facts: the player books and pays it alone."""
    return BookingFacts(
        booking_id=due.bill_id, venue_id=due.venue_id, booker_id=due.player_id, player_ids=[due.player_id],
        start=to_datetime(due.opened_at), local_date=dt.date.fromisoformat(due.local_date),
        price=due.amount.amount_paisa, commission=due.commission.amount_paisa, status=BOOKING_PENDING)


def venue_facts(venue: booking_pb2.Venue) -> VenueFacts:
    return VenueFacts(venue.owner_id, venue.confirmation_mode == booking_pb2.CONFIRMATION_MODE_MANUAL)


def venue_payment(venue_id: str, row: store.VenuePayment | None) -> pb.VenuePayment:
    if row is None:
        return pb.VenuePayment(venue_id=venue_id, mode=pb.PAYMENT_MODE_AT_VENUE)
    return pb.VenuePayment(venue_id=venue_id, mode=MODES[PaymentMode(row.mode)], deposit_percent=row.deposit_percent)


def day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidArgument.field("date", "not a calendar date (YYYY-MM-DD)") from None


# A wallet's form (callback or return) is a few hundred bytes; far more is refused before it is
# parsed, so a forged flood to the public routes costs next to nothing.
FORM_LIMIT = 16 * 1024


def form_fields(body: bytes) -> dict[str, str]:
    """A form post (application/x-www-form-urlencoded) as field → value; a field sent twice is refused."""
    if len(body) > FORM_LIMIT:
        raise InvalidArgument.field("body", f"a wallet's form is at most {FORM_LIMIT} bytes")
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        raise InvalidArgument.field("body", "not a form (application/x-www-form-urlencoded)") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InvalidArgument.field("body", "a field appears twice")
    return fields


def payment(row: store.Payment) -> pb.Payment:
    return pb.Payment(
        payment_id=row.id, booking_id=row.booking_id, payer_id=row.payer_id, wallet=WALLETS[Wallet(row.wallet)],
        amount=money(row.amount_paisa), status=PAYMENT_STATES[row.payment_state],
        transaction_reference=row.reference, provider_reference=row.provider_reference,
        provider_message=row.provider_message, share_ids=row.share_ids,
        created_at=timestamp(row.created_at), updated_at=timestamp(row.updated_at), hosted=row.hosted,
        membership_id=row.membership_id or "")


def checkout(form: Checkout, expires: dt.datetime) -> pb.HostedCheckout:
    return pb.HostedCheckout(url=form.url, fields=form.fields, expires_at=timestamp(expires))


def html_page(page: str) -> httpbody_pb2.HttpBody:
    return httpbody_pb2.HttpBody(content_type="text/html; charset=utf-8", data=page.encode())


def result_page(payment: store.Payment) -> httpbody_pb2.HttpBody:
    """The page a player returning from a wallet's hosted checkout sees: how their payment stands."""
    return html_page(pages.result(payment.payment_state, payment.amount_paisa, payment.reference,
                                  payment.provider_reference))


def easypaisa_return_page(step: Checkout | store.Payment) -> httpbody_pb2.HttpBody:
    """Easypaisa's return: the form that goes on to confirm the checkout at Easypaisa, or the result."""
    if isinstance(step, Checkout):
        return html_page(pages.onward(step, "Confirming with Easypaisa"))
    return result_page(step)


def venue_fee(row: store.VenueFee) -> pb.VenueFee:
    fee = pb.VenueFee(booking_id=row.booking_id, reason=VENUE_FEE_REASONS[VenueFeeReason(row.reason)],
                      amount=money(row.amount_paisa), status=VENUE_FEE_STATES[VenueFeeState(row.state)],
                      collected_by=row.collected_by or "")
    if row.collected_at is not None:
        fee.collected_at.CopyFrom(timestamp(row.collected_at))
    return fee


def share(row: store.Share, refunded: int = 0, fee: int = 0) -> pb.Share:
    return pb.Share(share_id=row.id, player_id=row.player_id, amount=money(row.amount_paisa),
                    status=SHARE_STATES[row.share_state], due_by=timestamp(row.due_by), paid_by=row.paid_by or "",
                    refunded=money(refunded), fee=money(fee))


def bill(view) -> pb.Bill:
    """`view` is a service.bills.BillView."""
    booking = view.booking
    return pb.Bill(
        booking_id=booking.id, venue_id=booking.venue_id, booker_id=booking.booker_id,
        price=money(booking.price_paisa), paid=money(view.balance.paid), due=money(view.due),
        owed_by_booker=money(view.owed_by_booker), refunded=money(view.balance.refunded),
        shares=[share(row, *view.returned.get(row.id, (0, 0))) for row in view.shares],
        booking_status=BOOKING_STATUS_OF.get(booking.status, booking_pb2.BOOKING_STATUS_UNSPECIFIED),
        at_venue=money(view.at_venue),
        venue_fee=venue_fee(view.venue_fee) if view.venue_fee is not None else None,
        membership_id=booking.membership_id or "")


def payout_line(line) -> pb.PayoutLine:
    """`line` is a service.payouts.PayoutLine."""
    balance = line.balance
    return pb.PayoutLine(booking_id=line.booking_id, price=money(line.price), paid=money(balance.captured),
                         refunded=money(balance.refunded), fees=money(balance.fees), due=money(line.due),
                         commission=money(balance.commission), payout=money(balance.payout),
                         at_venue=money(line.at_venue), venue_fees_due=money(line.venue_fees_due),
                         venue_fees_collected=money(line.venue_fees_collected),
                         refunds_failed=money(line.refunds_failed), membership_id=line.membership_id,
                         commission_at_venue=money(line.commission_at_venue), net=money(line.net))


def refund(row: store.Refund) -> api.ExportedRefund:
    return api.ExportedRefund(refund_id=row.id, booking_id=row.booking_id, payment_id=row.payment_id,
                              share_id=row.share_id, amount=money(row.amount_paisa), fee=money(row.fee_paisa),
                              transaction_reference=row.reference, sent_at=timestamp(row.sent_at),
                              created_at=timestamp(row.created_at), provider_reference=row.provider_reference)


def payment_export(export: PaymentExport) -> api.ExportPaymentDataResponse:
    return api.ExportPaymentDataResponse(bills=[bill(view) for view in export.bills],
                                         payments=[payment(row) for row in export.payments],
                                         refunds=[refund(row) for row in export.refunds],
                                         exported_at=timestamp(export.exported_at))
