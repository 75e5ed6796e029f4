"""The events booking_svc consumes (group "booking"): AccountDeleted from auth, which ends what the
person holds here, and PaymentCaptured from payments, which confirms a pending booking once its whole
price is paid. Handlers run in the consumer's transaction, once per event id."""

from __future__ import annotations

import redis
from padel.auth.v1 import events_pb2 as auth_events
from padel.payment.v1 import events_pb2 as payment_events
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

    def payment_captured(session: Session, _event_id: str, message: payment_events.PaymentCaptured) -> None:
        if message.booking_paid:
            desk.confirm_paid(session, message.payment.booking_id)

    events = EventConsumer(database, redis_client, group=GROUP,
                           streams=[plumbing.stream("auth"), plumbing.stream("payment")])
    events.on(auth_events.AccountDeleted, account_deleted)
    events.on(payment_events.PaymentCaptured, payment_captured)
    return events
