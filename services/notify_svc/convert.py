"""Protobuf ↔ notify's values, in one place for the servicer and the consumers: messages, event
payloads, timestamps and enums.

notify stores enums as lower-case names ("in_app", "ur", "queued"); the tables below are the one
place that says which wire value each name has.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.match.v1 import events_pb2 as match_events
from padel.match.v1 import match_pb2
from padel.notify.v1 import notify_pb2
from padel.notify.v1 import notify_service_pb2 as notify_api
from padel.payment.v1 import payment_pb2
from padel.user.v1 import user_pb2

from mesh.convert import timestamp, to_datetime
from notify_svc import store
from notify_svc.domain import Booking, Contact, Match, Membership, Money, Preferences, Series, WeeklySummary, mask
from notify_svc.templates import EMAIL, IN_APP, KINDS, PUSH, SMS, WHATSAPP

if TYPE_CHECKING:
    from notify_svc.service.exports import NotifyExport

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
    user_pb2.NOTIFICATION_KIND_CONNECTIONS: "connections",
}
WALLETS = {payment_pb2.WALLET_JAZZCASH: "JazzCash", payment_pb2.WALLET_EASYPAISA: "Easypaisa"}
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


def when(stamp: Timestamp) -> dt.datetime | None:
    """None for an unset timestamp."""
    if not stamp.seconds and not stamp.nanos:
        return None
    return to_datetime(stamp)


# -- event payloads -------------------------------------------------------------------------------


def booking(snapshot: booking_events.BookingSnapshot) -> Booking:
    """The booking an event speaks of. The hold's expiry is read when the snapshot has it
    (booking_svc's `hold_expires_at`, not published yet) and left empty otherwise."""
    held = _present(snapshot, "hold_expires_at").get("hold_expires_at")
    return Booking(
        booking_id=snapshot.booking_id, player_id=snapshot.player_id, venue_name=snapshot.venue_name,
        court_name=snapshot.court_name, start_time=when(snapshot.start_time),
        end_time=when(snapshot.end_time), time_zone=snapshot.time_zone,
        price_paisa=snapshot.price.amount_paisa, currency=snapshot.price.currency,
        confirmed=snapshot.status == booking_pb2.BOOKING_STATUS_CONFIRMED,
        participant_ids=tuple(dict.fromkeys(p for p in snapshot.participant_ids if p and p != snapshot.player_id)),
        venue_owner_id=snapshot.venue_owner_id, player_name=snapshot.player_name,
        player_phone=snapshot.player_phone, special_requests=snapshot.special_requests,
        hold_expires_at=when(held) if held is not None else None, waitlist_offer_id=snapshot.waitlist_offer_id,
        match_id=snapshot.match_id, venue_address=snapshot.venue_address, venue_phone=snapshot.venue_phone)



def series(snapshot: booking_events.SeriesSnapshot, starts) -> Series:
    """A series and the games an event speaks of (booked or cancelled)."""
    return Series(series_id=snapshot.series_id, player_id=snapshot.player_id, venue_owner_id=snapshot.venue_owner_id,
                  venue_name=snapshot.venue_name, court_name=snapshot.court_name, time_zone=snapshot.time_zone,
                  starts=tuple(when(s) for s in starts), player_name=snapshot.player_name,
                  player_phone=snapshot.player_phone)


def weekly_summary(message: booking_events.VenueWeeklySummary) -> WeeklySummary:
    return WeeklySummary(
        venue_owner_id=message.venue_owner_id, venue_name=message.venue_name, week_start=message.week_start,
        week_end=message.week_end, bookings=message.bookings, occupancy=message.occupancy,
        revenue=money(message.revenue), no_show_rate=message.no_show_rate, new_players=message.new_players,
        rating_average=message.rating_average, rating_count=message.rating_count)


def match(snapshot: match_events.MatchSnapshot) -> Match:
    """The open match an event speaks of."""
    return Match(match_id=snapshot.match_id, venue_name=snapshot.venue_name, court_name=snapshot.court_name,
                 start_time=when(snapshot.start_time), time_zone=snapshot.time_zone,
                 player_ids=tuple(dict.fromkeys(p for p in snapshot.player_ids if p)),
                 free_places=snapshot.free_places)


def sets(result: match_pb2.Result) -> list[tuple[int, int]]:
    return [(score.side_a_games, score.side_b_games) for score in result.sets]


def membership(message) -> Membership:
    """The membership a MembershipPaid, MembershipRenewalDue, MembershipExpired or MembershipPlanRetired
    speaks of."""
    member = message.membership
    return Membership(player_id=member.player_id, venue_name=message.venue_name, plan_name=member.plan.name,
                      price=money(member.plan.price), state=member.state, paid_until=when(member.paid_until),
                      grace_ends_at=when(member.grace_ends_at), time_zone=message.time_zone, bill_id=member.bill_id)


def money(amount: booking_pb2.Money) -> Money:
    return Money(amount.amount_paisa, amount.currency)


def wallet_name(wallet: int) -> str:
    """The wallet as players know it: "JazzCash", "Easypaisa"."""
    return WALLETS.get(wallet, "")


def _present(message: Message, *names: str) -> dict[str, str]:
    """The fields of `message` among `names` that its type has (a newer sender may add them)."""
    fields = message.DESCRIPTOR.fields_by_name
    return {name: getattr(message, name) for name in names if name in fields}


def contact(message: Message) -> Contact:
    """The contact details one of auth's events carries (a field it does not have stays empty)."""
    return Contact(**_present(message, "email", "phone", "first_name", "last_name"))


def preferences(chosen: user_pb2.Preferences) -> Preferences:
    """user_svc's preferences as names; a channel or kind notify does not know yet is left out."""
    return Preferences(
        language=language_name(chosen.language) or "en",
        channels=[PREFERRED_CHANNELS[c] for c in chosen.channels if c in PREFERRED_CHANNELS],
        kinds=[FAMILIES[k] for k in chosen.kinds if k in FAMILIES],
        quiet_hours_start=chosen.quiet_hours_start, quiet_hours_end=chosen.quiet_hours_end,
        time_zone=chosen.time_zone)


# -- messages -------------------------------------------------------------------------------------


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


def device(row: store.Device) -> notify_pb2.Device:
    return notify_pb2.Device(device_id=row.id, created_at=timestamp(row.created_at))


def inbox_message(row: store.InboxMessage) -> notify_pb2.InboxMessage:
    return notify_pb2.InboxMessage(message_id=row.id, kind=row.kind, title=row.title, body=row.body,
                                   created_at=timestamp(row.created_at), read_at=timestamp(row.read_at))


# -- the person's data export -------------------------------------------------------------------------


def _names(joined: str) -> list[str]:
    return [name for name in joined.split(",") if name]


def recipient(row: store.Recipient) -> notify_api.ExportedRecipient:
    return notify_api.ExportedRecipient(
        email=row.email, phone=row.phone, first_name=row.first_name, last_name=row.last_name,
        language=row.language, channels=_names(row.channels), kinds=_names(row.kinds),
        quiet_hours_start=row.quiet_hours_start, quiet_hours_end=row.quiet_hours_end, time_zone=row.time_zone,
        updated_at=timestamp(row.updated_at))


def notify_export(export: NotifyExport) -> notify_api.ExportNotifyDataResponse:
    return notify_api.ExportNotifyDataResponse(
        recipient=recipient(export.recipient) if export.recipient else None,
        devices=[device(row) for row in export.devices],
        calendar_feed_created_at=timestamp(export.feed.created_at) if export.feed else None,
        calendar=[notify_api.ExportedGame(
            booking_id=row.booking_id, venue_name=row.venue_name, court_name=row.court_name,
            start_time=timestamp(row.start_time), end_time=timestamp(row.end_time), cancelled=row.cancelled)
            for row in export.calendar],
        reminders=[notify_api.ExportedReminder(
            booking_id=row.booking_id, venue_name=row.venue_name, start_time=timestamp(row.start_time),
            remind_at=timestamp(row.remind_at), status=row.status) for row in export.reminders],
        messages=[inbox_message(row) for row in export.messages],
        deliveries=[delivery(row) for row in export.deliveries],
        exported_at=timestamp(export.exported_at))
