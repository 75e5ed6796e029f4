"""What user_svc publishes (PreferencesChanged, ProfileDeleted on `padel.user.events`) and what it
consumes: UserRegistered from auth (create the profile), AccountDeleted from auth (erase the
person), and played or missed bookings from booking (statistics). Handlers run inside the
consumer's transaction, once per event id."""

from __future__ import annotations

from typing import TYPE_CHECKING

import redis
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import events_pb2 as booking_events
from padel.user.v1 import events_pb2 as user_events
from sqlalchemy.orm import Session

from mesh import plumbing
from mesh.db import Database
from mesh.consumer import EventConsumer
from mesh.outbox import publish
from user_svc import convert, store

if TYPE_CHECKING:
    from user_svc.domain import UserBook

STREAM = plumbing.stream("user")
GROUP = "user"


def preferences_changed(session: Session, row: store.Preferences) -> None:
    """notify_svc keeps a copy of every player's preferences from these."""
    publish(session, STREAM, user_events.PreferencesChanged(user_id=row.user_id, preferences=convert.preferences(row)))


def profile_deleted(session: Session, user_id: str) -> None:
    """After every erasure (DeleteProfile and a closed account): notify forgets the person's contact
    details and messages on it."""
    publish(session, STREAM, user_events.ProfileDeleted(user_id=user_id))


def _minutes(snapshot: booking_events.BookingSnapshot) -> int:
    played = convert.to_datetime(snapshot.end_time) - convert.to_datetime(snapshot.start_time)
    return int(played.total_seconds() // 60)


def consumer(database: Database, redis_client: redis.Redis, book: "UserBook") -> EventConsumer:
    """The consumer of auth's and booking's events, as a server worker."""

    def registered(session: Session, _event_id: str, message: auth_events.UserRegistered) -> None:
        name = f"{message.first_name} {message.last_name}".strip()
        book.record_registration(session, message.user_id, name)

    def account_deleted(session: Session, _event_id: str, message: auth_events.AccountDeleted) -> None:
        book.close_account(session, message.user_id)

    def completed(session: Session, _event_id: str, message: booking_events.BookingCompleted) -> None:
        booking = message.booking
        book.record_completed_booking(session, booking.player_id, booking.participant_ids, booking.venue_id,
                                      _minutes(booking))

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
