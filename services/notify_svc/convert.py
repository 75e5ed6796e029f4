"""Protobuf ↔ Python conversions, in one place for the servicer and the event handlers.

Enums become lower-case names without their prefix (NOTIFICATION_CHANNEL_IN_APP → "in_app",
CHANNEL_SMS → "sms", LANGUAGE_UR → "ur"), which is how notify stores them.
"""

from __future__ import annotations

import datetime as dt

from google.protobuf.timestamp_pb2 import Timestamp
from padel.notify.v1 import notify_pb2
from padel.user.v1 import user_pb2

from mesh.convert import timestamp, to_datetime  # noqa: F401  (timestamp: used as convert.timestamp)
from notify_svc import store
from notify_svc.domain import mask
from notify_svc.templates import KINDS


def name(enum, value: int, prefix: str) -> str:
    """"" for the zero value."""
    return "" if value == 0 else enum.Name(value).removeprefix(prefix).lower()


def number(enum, text: str, prefix: str) -> int:
    return enum.Value(prefix + text.upper()) if text else 0


def channel_name(value: int) -> str:
    return name(notify_pb2.NotificationChannel, value, "NOTIFICATION_CHANNEL_")


def user_channel_name(value: int) -> str:
    return name(user_pb2.Channel, value, "CHANNEL_")


def kind_family_name(value: int) -> str:
    return name(user_pb2.NotificationKind, value, "NOTIFICATION_KIND_")


def language_name(value: int) -> str:
    return name(user_pb2.Language, value, "LANGUAGE_")


def status_name(value: int) -> str:
    return name(notify_pb2.DeliveryStatus, value, "DELIVERY_STATUS_")


def when(stamp: Timestamp) -> dt.datetime | None:
    """None for an unset timestamp."""
    if not stamp.seconds and not stamp.nanos:
        return None
    return to_datetime(stamp)


def template(row: store.Template) -> notify_pb2.Template:
    spec = KINDS.get(row.kind)
    return notify_pb2.Template(
        kind=row.kind, channel=number(notify_pb2.NotificationChannel, row.channel, "NOTIFICATION_CHANNEL_"),
        language=number(user_pb2.Language, row.language, "LANGUAGE_"), subject=row.subject, body=row.body,
        variables=sorted(spec.variables) if spec else [], built_in=row.built_in,
        updated_at=timestamp(row.updated_at))


def delivery(row: store.Delivery) -> notify_pb2.Delivery:
    return notify_pb2.Delivery(
        delivery_id=row.id, user_id=row.user_id, kind=row.kind,
        channel=number(notify_pb2.NotificationChannel, row.channel, "NOTIFICATION_CHANNEL_"),
        status=number(notify_pb2.DeliveryStatus, row.status, "DELIVERY_STATUS_"), attempts=row.attempts,
        last_error=row.last_error, recipient=mask(row.recipient), created_at=timestamp(row.created_at),
        sent_at=timestamp(row.sent_at), next_attempt_at=timestamp(row.next_attempt_at))


def inbox_message(row: store.InboxMessage) -> notify_pb2.InboxMessage:
    return notify_pb2.InboxMessage(message_id=row.id, kind=row.kind, title=row.title, body=row.body,
                                   created_at=timestamp(row.created_at), read_at=timestamp(row.read_at))
