"""Protobuf ↔ Python conversions, in one place for the servicer and the event handlers.

notify stores enums as lower-case names ("in_app", "ur", "queued"); the tables below are the one
place that says which wire value each name has.
"""

from __future__ import annotations

import datetime as dt

from google.protobuf.timestamp_pb2 import Timestamp
from padel.notify.v1 import notify_pb2
from padel.user.v1 import user_pb2

from mesh.convert import timestamp, to_datetime  # noqa: F401  (timestamp: used as convert.timestamp)
from notify_svc import store
from notify_svc.domain import mask
from notify_svc.templates import EMAIL, IN_APP, KINDS, PUSH, SMS, WHATSAPP

# A channel's name in notify, its value in notify's contract and in user_svc's preferences. Two enums
# on the wire (published contracts keep their types); user_svc has no in-app channel: the inbox is
# always on.
_CHANNELS = (
    (EMAIL, notify_pb2.NOTIFICATION_CHANNEL_EMAIL, user_pb2.CHANNEL_EMAIL),
    (SMS, notify_pb2.NOTIFICATION_CHANNEL_SMS, user_pb2.CHANNEL_SMS),
    (WHATSAPP, notify_pb2.NOTIFICATION_CHANNEL_WHATSAPP, user_pb2.CHANNEL_WHATSAPP),
    (PUSH, notify_pb2.NOTIFICATION_CHANNEL_PUSH, user_pb2.CHANNEL_PUSH),
    (IN_APP, notify_pb2.NOTIFICATION_CHANNEL_IN_APP, None),
)
CHANNELS = {name: number for name, number, _preference in _CHANNELS}
PREFERRED_CHANNELS = {preference: name for name, _number, preference in _CHANNELS if preference is not None}
LANGUAGES = {"en": user_pb2.LANGUAGE_EN, "ur": user_pb2.LANGUAGE_UR}
# user_svc's notification kinds are notify's kind families (templates.Kind.family).
FAMILIES = {
    user_pb2.NOTIFICATION_KIND_BOOKING_CONFIRMATIONS: "booking_confirmations",
    user_pb2.NOTIFICATION_KIND_REMINDERS: "reminders",
    user_pb2.NOTIFICATION_KIND_MATCH_INVITES: "match_invites",
    user_pb2.NOTIFICATION_KIND_MARKETING: "marketing",
}
STATUSES = {
    store.QUEUED: notify_pb2.DELIVERY_STATUS_QUEUED,
    store.SENT: notify_pb2.DELIVERY_STATUS_SENT,
    store.DELIVERED: notify_pb2.DELIVERY_STATUS_DELIVERED,
    store.FAILED: notify_pb2.DELIVERY_STATUS_FAILED,
    store.DEAD: notify_pb2.DELIVERY_STATUS_DEAD,
}


def _name(table: dict[str, int], value: int) -> str:
    """The name of a wire value; "" for the zero value (no filter, not chosen)."""
    return next((name for name, number in table.items() if number == value), "")


def channel_name(value: int) -> str:
    return _name(CHANNELS, value)


def language_name(value: int) -> str:
    return _name(LANGUAGES, value)


def status_name(value: int) -> str:
    return _name(STATUSES, value)


def preferred_channels(values) -> list[str]:
    """user_svc's chosen channels as names (a value notify does not know yet is left out)."""
    return [PREFERRED_CHANNELS[value] for value in values if value in PREFERRED_CHANNELS]


def families(values) -> list[str]:
    """user_svc's chosen notification kinds as family names (unknown values left out)."""
    return [FAMILIES[value] for value in values if value in FAMILIES]


def when(stamp: Timestamp) -> dt.datetime | None:
    """None for an unset timestamp."""
    if not stamp.seconds and not stamp.nanos:
        return None
    return to_datetime(stamp)


def template(row: store.Template) -> notify_pb2.Template:
    spec = KINDS.get(row.kind)
    return notify_pb2.Template(
        kind=row.kind, channel=CHANNELS.get(row.channel, 0),
        language=LANGUAGES.get(row.language, 0), subject=row.subject, body=row.body,
        variables=sorted(spec.variables) if spec else [], built_in=row.built_in,
        updated_at=timestamp(row.updated_at))


def delivery(row: store.Delivery) -> notify_pb2.Delivery:
    return notify_pb2.Delivery(
        delivery_id=row.id, user_id=row.user_id, kind=row.kind,
        channel=CHANNELS.get(row.channel, 0),
        status=STATUSES.get(row.status, 0), attempts=row.attempts,
        last_error=row.last_error, recipient=mask(row.recipient), created_at=timestamp(row.created_at),
        sent_at=timestamp(row.sent_at), next_attempt_at=timestamp(row.next_attempt_at))


def inbox_message(row: store.InboxMessage) -> notify_pb2.InboxMessage:
    return notify_pb2.InboxMessage(message_id=row.id, kind=row.kind, title=row.title, body=row.body,
                                   created_at=timestamp(row.created_at), read_at=timestamp(row.read_at))
