"""The events booking_svc consumes (group "booking"): AccountDeleted from auth, which ends what the
person holds here. Handlers run in the consumer's transaction, once per event id."""

from __future__ import annotations

import redis
from padel.auth.v1 import events_pb2 as auth_events
from sqlalchemy.orm import Session

from booking_svc.desk import BookingDesk
from mesh import plumbing
from mesh.db import Database
from mesh.consumer import EventConsumer

GROUP = "booking"


def consumer(database: Database, redis_client: redis.Redis, desk: BookingDesk) -> EventConsumer:
    """The consumer of auth's events, as a server worker."""

    def account_deleted(session: Session, _event_id: str, message: auth_events.AccountDeleted) -> None:
        desk.close_account(session, message.user_id)

    events = EventConsumer(database, redis_client, group=GROUP, streams=[plumbing.stream("auth")])
    events.on(auth_events.AccountDeleted, account_deleted)
    return events
