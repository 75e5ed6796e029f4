"""What user_svc does with other services' events: UserRegistered from auth (make the profile),
AccountDeleted from auth (erase the person), and played or missed bookings from booking
(statistics). Each handler runs in the consumer's transaction, which also records the event id,
so a redelivered event changes nothing."""

from __future__ import annotations

import redis
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import events_pb2 as booking_events
from sqlalchemy.orm import Session

from mesh import plumbing
from mesh.consumer import EventConsumer
from mesh.db import Database
from user_svc import convert
from user_svc.domain import UserBook

GROUP = "user"


def consumer(database: Database, redis_client: redis.Redis, book: UserBook) -> EventConsumer:
    """The consumer of auth's and booking's events, as a server worker."""

    def registered(session: Session, _event_id: str, message: auth_events.UserRegistered) -> None:
        book.record_registration(session, message.user_id, convert.registered_name(message))

    def account_deleted(session: Session, _event_id: str, message: auth_events.AccountDeleted) -> None:
        book.close_account(session, message.user_id)

    def completed(session: Session, _event_id: str, message: booking_events.BookingCompleted) -> None:
        booking = message.booking
        book.record_completed_booking(session, booking.player_id, booking.participant_ids, booking.venue_id,
                                      convert.minutes_played(booking))

    def no_show(session: Session, _event_id: str, message: booking_events.BookingNoShow) -> None:
        booking = message.booking
        book.record_no_show(session, booking.player_id, booking.participant_ids)

    events = EventConsumer(database, redis_client, group=GROUP,
                           streams=[plumbing.stream("auth"), plumbing.stream("booking")])
    events.on(auth_events.UserRegistered, registered)
    events.on(auth_events.AccountDeleted, account_deleted)
    events.on(booking_events.BookingCompleted, completed)
    events.on(booking_events.BookingNoShow, no_show)
    return events
