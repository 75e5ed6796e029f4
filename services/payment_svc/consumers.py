"""The events payment_svc consumes (group "payment"): booking_svc's booking events — a new booking
gets its bill (shares), a change updates it, a cancellation refunds by the fee booking computed —
a no-show may owe a fee at the venue, a membership plan to pay online gets its bill and a withdrawn one
is voided and refunded whole (as a booking cancelled without a fee), and auth's AccountDeleted, which
erases the person's wallet numbers. Handlers run in the consumer's
transaction, once per event id."""

from __future__ import annotations

import redis
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import events_pb2 as booking_events
from sqlalchemy.orm import Session

from mesh import plumbing
from mesh.consumer import EventConsumer
from mesh.db import Database, Joined
from payment_svc import convert
from payment_svc.service.bills import Bills
from payment_svc.service.payments import Payments
from payment_svc.service.refunds import Refunds
from payment_svc.service.venue_fees import VenueFees

GROUP = "payment"


def consumer(database: Database, redis_client: redis.Redis, bills: Bills, payments: Payments,
             refunds: Refunds, venue_fees: VenueFees) -> EventConsumer:
    def created(session: Session, _event_id: str, message: booking_events.BookingCreated) -> None:
        bills.record_booking(Joined(session), convert.booking_facts(message.booking))

    def changed(session: Session, _event_id: str, message) -> None:
        bills.booking_changed(Joined(session), convert.booking_facts(message.booking))

    def participants_changed(session: Session, _event_id: str, message: booking_events.BookingParticipantsChanged
                             | booking_events.InvitationDeclined) -> None:
        bills.booking_changed(Joined(session), convert.booking_facts(message.booking, message.left_late_ids))

    def cancelled(session: Session, _event_id: str, message: booking_events.BookingCancelled) -> None:
        refunds.booking_cancelled(Joined(session), message.booking.booking_id, message.cancellation.fee.amount_paisa)

    def no_show(session: Session, _event_id: str, message: booking_events.BookingNoShow) -> None:
        bills.booking_changed(Joined(session), convert.booking_facts(message.booking))
        venue_fees.no_show(Joined(session), message.booking.booking_id)

    def membership_due(session: Session, _event_id: str, message: booking_events.MembershipPaymentDue) -> None:
        bills.record_membership_due(Joined(session), convert.membership_due_facts(message), message.membership_id)

    def membership_withdrawn(session: Session, _event_id: str,
                             message: booking_events.MembershipPaymentWithdrawn) -> None:
        refunds.booking_cancelled(Joined(session), message.bill_id, 0)

    def account_deleted(session: Session, _event_id: str, message: auth_events.AccountDeleted) -> None:
        payments.close_account(Joined(session), message.user_id)

    events = EventConsumer(database, redis_client, group=GROUP,
                           streams=[plumbing.stream("booking"), plumbing.stream("auth")])
    events.on(auth_events.AccountDeleted, account_deleted)
    events.on(booking_events.BookingCreated, created)
    for kind in (booking_events.BookingConfirmed, booking_events.BookingRescheduled, booking_events.BookingCompleted):
        events.on(kind, changed)
    # A declined invitation takes its player off the booking, as a change of players does (late or not).
    for kind in (booking_events.BookingParticipantsChanged, booking_events.InvitationDeclined):
        events.on(kind, participants_changed)
    events.on(booking_events.BookingCancelled, cancelled)
    events.on(booking_events.BookingNoShow, no_show)
    events.on(booking_events.MembershipPaymentDue, membership_due)
    events.on(booking_events.MembershipPaymentWithdrawn, membership_withdrawn)
    return events
