"""What user_svc does with other services' events: UserRegistered from auth (make the profile),
AccountDeleted from auth (erase the person), played or missed bookings from booking (statistics),
and match's LevelChanged / StartingLevelSet (the level the profile shows). Each handler decodes the
event and calls the same use cases as the servicer, in the consumer's transaction (`Joined`), which
also records the event id: a redelivery changes nothing."""

from __future__ import annotations

import redis
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import events_pb2 as booking_events
from padel.match.v1 import events_pb2 as match_events
from sqlalchemy.orm import Session

from mesh import plumbing
from mesh.consumer import EventConsumer
from mesh.db import Database, Joined
from user_svc import convert
from user_svc.service import Profiles, stats

GROUP = "user"


def consumer(database: Database, redis_client: redis.Redis, profiles: Profiles) -> EventConsumer:
    """The consumer of auth's and booking's events, as a server worker."""

    def registered(session: Session, _event_id: str, message: auth_events.UserRegistered) -> None:
        profiles.record_registration(Joined(session), message.user_id, convert.registered_name(message))

    def account_deleted(session: Session, _event_id: str, message: auth_events.AccountDeleted) -> None:
        profiles.close_account(Joined(session), message.user_id)

    def completed(session: Session, _event_id: str, message: booking_events.BookingCompleted) -> None:
        stats.record_completed_booking(Joined(session), convert.played_booking(message.booking))

    def no_show(session: Session, _event_id: str, message: booking_events.BookingNoShow) -> None:
        stats.record_no_show(Joined(session), convert.played_booking(message.booking))

    def level_changed(session: Session, _event_id: str, message: match_events.LevelChanged) -> None:
        profiles.record_match_level(Joined(session), message.player_id, convert.level_changed(message))

    def starting_level_set(session: Session, _event_id: str, message: match_events.StartingLevelSet) -> None:
        profiles.record_match_level(Joined(session), message.player_id, convert.starting_level_set(message))

    events = EventConsumer(database, redis_client, group=GROUP,
                           streams=[plumbing.stream("auth"), plumbing.stream("booking"), plumbing.stream("match")])
    events.on(auth_events.UserRegistered, registered)
    events.on(auth_events.AccountDeleted, account_deleted)
    events.on(booking_events.BookingCompleted, completed)
    events.on(booking_events.BookingNoShow, no_show)
    events.on(match_events.LevelChanged, level_changed)
    events.on(match_events.StartingLevelSet, starting_level_set)
    return events
