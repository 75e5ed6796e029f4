"""What booking_svc announces: booking events through the outbox, and its business metrics.

Every event is written with `mesh.outbox.publish` in the transaction that makes the change, so it
is delivered exactly when the change commits. A booking confirmed at once (a venue with instant
confirmation) publishes BookingCreated *and* BookingConfirmed in the same transaction: consumers
that send confirmations and reminders listen to BookingConfirmed only, whichever way it came.

Metrics are counted after the commit (never for a rolled-back change); labels carry the venue id
and a reason category, never user ids or free text.
"""

from __future__ import annotations

import datetime as dt
from padel.booking.v1 import booking_pb2, events_pb2
from prometheus_client import Counter
from sqlalchemy.orm import Session

from booking_svc import store
from booking_svc.domain import Status
from mesh import outbox, plumbing
from mesh.convert import timestamp
from mesh.db import after_commit

STREAM = plumbing.stream("booking")

BOOKINGS_CREATED = Counter("padel_bookings_created", "Bookings made, by venue.", ("venue_id",))
BOOKINGS_CANCELLED = Counter("padel_bookings_cancelled", "Bookings cancelled, by venue and who or what "
                             "cancelled (player, venue, expired, account_closed).", ("venue_id", "reason"))
REVENUE_PAISA = Counter("padel_booking_revenue_paisa", "Price of bookings confirmed, in paisa, by venue.",
                        ("venue_id",))

STATUS_TO_PROTO = {
    Status.PENDING: booking_pb2.BOOKING_STATUS_PENDING,
    Status.CONFIRMED: booking_pb2.BOOKING_STATUS_CONFIRMED,
    Status.IN_PROGRESS: booking_pb2.BOOKING_STATUS_IN_PROGRESS,
    Status.COMPLETED: booking_pb2.BOOKING_STATUS_COMPLETED,
    Status.CANCELLED: booking_pb2.BOOKING_STATUS_CANCELLED,
    Status.NO_SHOW: booking_pb2.BOOKING_STATUS_NO_SHOW,
}


def money(paisa: int | None) -> booking_pb2.Money:
    return booking_pb2.Money(amount_paisa=paisa or 0, currency="PKR")


def cancellation(booking: store.Booking) -> booking_pb2.Cancellation | None:
    if booking.cancelled_at is None:
        return None
    return booking_pb2.Cancellation(
        reason=booking.cancel_reason or "", cancelled_by=booking.cancelled_by or "",
        cancelled_at=timestamp(booking.cancelled_at), fee=money(booking.cancellation_fee_paisa),
        refund=money(booking.refund_paisa))


def snapshot(booking: store.Booking, venue: store.Venue, court: store.Court) -> events_pb2.BookingSnapshot:
    return events_pb2.BookingSnapshot(
        booking_id=booking.id, venue_id=venue.id, venue_name=venue.name, court_id=court.id,
        court_name=court.name, player_id=booking.player_id, participant_ids=booking.participant_ids,
        start_time=timestamp(booking.start_time), end_time=timestamp(booking.end_time),
        time_zone=venue.time_zone, price=money(booking.price_paisa), status=STATUS_TO_PROTO[booking.state],
        commission=money(booking.commission_paisa))


def created(session: Session, booking: store.Booking, venue: store.Venue, court: store.Court) -> None:
    outbox.publish(session, STREAM, events_pb2.BookingCreated(booking=snapshot(booking, venue, court)))
    after_commit(session, BOOKINGS_CREATED.labels(venue.id).inc)


def confirmed(session: Session, booking: store.Booking, venue: store.Venue, court: store.Court) -> None:
    outbox.publish(session, STREAM, events_pb2.BookingConfirmed(booking=snapshot(booking, venue, court)))
    price = booking.price_paisa
    after_commit(session, lambda: REVENUE_PAISA.labels(venue.id).inc(price))


def cancelled(session: Session, booking: store.Booking, venue: store.Venue, court: store.Court,
              category: str) -> None:
    """`category` is who or what cancelled: "player", "venue", "expired" or "account_closed" (the
    metric's label)."""
    outbox.publish(session, STREAM, events_pb2.BookingCancelled(
        booking=snapshot(booking, venue, court), cancellation=cancellation(booking)))
    after_commit(session, BOOKINGS_CANCELLED.labels(venue.id, category).inc)


def rescheduled(session: Session, booking: store.Booking, venue: store.Venue, court: store.Court,
                previous_start: dt.datetime) -> None:
    outbox.publish(session, STREAM, events_pb2.BookingRescheduled(
        booking=snapshot(booking, venue, court), previous_start_time=timestamp(previous_start)))


def participants_changed(session: Session, booking: store.Booking, venue: store.Venue, court: store.Court,
                         added: list[str], removed: list[str]) -> None:
    """Only the invited players changed (a move announces the new list in BookingRescheduled)."""
    outbox.publish(session, STREAM, events_pb2.BookingParticipantsChanged(
        booking=snapshot(booking, venue, court), added_ids=added, removed_ids=removed))


def completed(session: Session, booking: store.Booking, venue: store.Venue, court: store.Court) -> None:
    outbox.publish(session, STREAM, events_pb2.BookingCompleted(booking=snapshot(booking, venue, court)))


def no_show(session: Session, booking: store.Booking, venue: store.Venue, court: store.Court) -> None:
    outbox.publish(session, STREAM, events_pb2.BookingNoShow(booking=snapshot(booking, venue, court)))
