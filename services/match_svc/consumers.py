"""The events match_svc consumes (group "match"): booking's BookingCancelled (the match on that
court is called off, or released if its court was only held), BookingConfirmed (a held court booked) and auth's AccountDeleted (the person leaves every match not played yet and their
level is erased). Handlers run the use cases in the consumer's transaction, once per event id."""

from __future__ import annotations

import redis
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import events_pb2 as booking_events
from sqlalchemy.orm import Session

from match_svc.service import Levels, Matches
from mesh import plumbing
from mesh.consumer import EventConsumer
from mesh.convert import to_datetime
from mesh.db import Database, Joined

GROUP = "match"


def consumer(database: Database, redis_client: redis.Redis, matches: Matches, levels: Levels) -> EventConsumer:
    """The consumer of booking's and auth's events, as a server worker."""

    def booking_cancelled(session: Session, _event_id: str, message: booking_events.BookingCancelled) -> None:
        cancellation = message.cancellation
        matches.booking_cancelled(Joined(session), message.booking.booking_id, ran_out=not cancellation.cancelled_by,
                                  cancelled_at=to_datetime(cancellation.cancelled_at)
                                  if cancellation.HasField("cancelled_at") else None)

    def booking_confirmed(session: Session, _event_id: str, message: booking_events.BookingConfirmed) -> None:
        matches.booking_confirmed(Joined(session), message.booking.booking_id)

    def account_deleted(session: Session, _event_id: str, message: auth_events.AccountDeleted) -> None:
        matches.account_deleted(Joined(session), message.user_id)
        levels.account_deleted(Joined(session), message.user_id)

    events = EventConsumer(database, redis_client, group=GROUP,
                           streams=[plumbing.stream("booking"), plumbing.stream("auth")])
    events.on(booking_events.BookingCancelled, booking_cancelled)
    # Only a court held for a match, of every booking confirmed: the others skipped with no transaction.
    events.on(booking_events.BookingConfirmed, booking_confirmed, wanted=lambda message: bool(message.booking.match_id))
    events.on(auth_events.AccountDeleted, account_deleted)
    return events
