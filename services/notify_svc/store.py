"""notify_svc's tables and the queries on them (SQLAlchemy 2). Callers own the transaction.

- `recipients`: notify's own copy of each user's contact details and notification preferences,
  kept from auth's and user's events (so sending never waits on another service). A deleted
  account's row keeps only its id, so that later events about the person queue nothing.
- `templates`: message texts per kind, channel and language; `template_version`, one row raised by
  the database with every write to them, says when texts kept in memory are stale.
- `deliveries`: one row per message and channel, the queue the delivery job works through and
  the delivery log admins read.
- `inbox_messages`: in-app notifications.
- `reminders`: one per confirmed booking and player (who booked, and each invited player), due
  `lead` minutes before play; the row (not a timer in memory) is what makes a restart neither lose
  nor repeat a reminder. A booking's rows also record which invited players notify has told about it.
- `calendar_entries`: one per booking and player told about it, the entry their calendar holds (sent
  as .ics attachments, listed in their feed) and its SEQUENCE, raised at each change.
- `calendar_feeds`: a player's private feed URL, kept as a hash of its secret token.
- `devices`: the push (FCM) tokens of each user's devices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import BigInteger, Boolean, Index, Integer, MetaData, Select, String, Text, func, select
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Mapped, Session, mapped_column

from mesh.db import rows_of
from mesh.pager import Page, page
from mesh.settings import DEFAULT_TIME_ZONE
from mesh.sqltypes import UtcDateTime

QUEUED, SENT, DELIVERED, FAILED, DEAD = "queued", "sent", "delivered", "failed", "dead"
REMINDER_PENDING, REMINDER_SENT, REMINDER_CANCELLED = "pending", "sent", "cancelled"
# The kind families a user hears of before user_svc tells notify their choice (user_svc's defaults).
DEFAULT_KINDS = "booking_confirmations,reminders,match_invites,connections"


class Base(DeclarativeBase):
    metadata = MetaData()


class Recipient(Base):
    """Where and how a user may be reached; defaults apply until user_svc says otherwise."""

    __tablename__ = "recipients"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    # Comma-separated names, e.g. "email,sms" and "booking_confirmations,reminders".
    channels: Mapped[str] = mapped_column(String(100), default="email")
    kinds: Mapped[str] = mapped_column(String(200), default=DEFAULT_KINDS)
    quiet_hours_start: Mapped[str] = mapped_column(String(5), default="")
    quiet_hours_end: Mapped[str] = mapped_column(String(5), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # When auth's or user_svc's events first spoke of the user; None for an id notify saw only in a
    # booking (an invited player nobody else told it about).
    known_since: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # When the account was deleted: the row then holds nothing but the id, and nothing more is
    # remembered or sent.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Template(Base):
    __tablename__ = "templates"

    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    built_in: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class TemplateVersion(Base):
    """One row, raised by the database (migration 0008's triggers) with every write to `templates`."""

    __tablename__ = "template_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class Delivery(Base):
    __tablename__ = "deliveries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(4096))
    subject: Mapped[str] = mapped_column(String(400), default="")
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[bool] = mapped_column(Boolean, default=False)
    # An iCalendar text attached to an email (a booking's entry); "" for none.
    calendar: Mapped[str] = mapped_column(Text, default="")
    # The W3C traceparent of the work that queued it, so its sending joins that trace.
    traceparent: Mapped[str | None] = mapped_column(String(55))
    # Urgent (security) messages never wait for quiet hours.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(String(500), default="")
    provider_message_id: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_newest", "created_at", "id"),
        Index("ix_deliveries_user", "user_id", "created_at"),
    )


class InboxMessage(Base):
    __tablename__ = "inbox_messages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(400), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_inbox_user", "user_id", "created_at", "id"),)


class _PlayersGame:
    """What a row about one booking and one of its players (who booked or invited) knows of the game."""

    booking_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    court_name: Mapped[str] = mapped_column(String(200), default="")
    start_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    end_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Reminder(_PlayersGame, Base):
    __tablename__ = "reminders"

    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)
    remind_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16), default=REMINDER_PENDING)

    __table_args__ = (Index("ix_reminders_due", "status", "remind_at"),)


class CalendarEntry(_PlayersGame, Base):
    __tablename__ = "calendar_entries"

    venue_address: Mapped[str] = mapped_column(String(300), default="")
    venue_phone: Mapped[str] = mapped_column(String(32), default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_calendar_entries_user", "user_id", "start_time"),)


class CalendarFeed(Base):
    __tablename__ = "calendar_feeds"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    token: Mapped[str] = mapped_column(String(4096), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_devices_user", "user_id", "created_at"),)


def _filtered(query: Select, *filters: tuple[InstrumentedAttribute, str]) -> Select:
    """`query` keeping rows whose column equals the value, for each filter given (an empty value
    filters nothing: a list request's unset field)."""
    for column, value in filters:
        if value:
            query = query.where(column == value)
    return query


# -- recipients -----------------------------------------------------------------------------------


def recipient(session: Session, user_id: str) -> Recipient | None:
    return session.get(Recipient, user_id)


def display_name(session: Session, user_id: str) -> str:
    """The name notify knows for a user ("First Last"), or "" when it knows none."""
    found = session.get(Recipient, user_id)
    return " ".join(part for part in (found.first_name, found.last_name) if part) if found is not None else ""


def known_recipient(session: Session, user_id: str) -> Recipient | None:
    """The recipient auth or user_svc told notify about and whose account lives."""
    found = session.get(Recipient, user_id)
    return found if found is not None and found.known_since is not None and found.deleted_at is None else None


def recipient_or_new(session: Session, user_id: str, now: dt.datetime, *, to_change: bool) -> Recipient:
    """The stored recipient, or a new one with the default preferences (added to the session).

    The row is locked until the commit: shared to queue messages (they go side by side), exclusive
    `to_change` it (new details, an erasure), so no message is queued past an erasure unseen.
    """
    found = session.get(Recipient, user_id, with_for_update=True) if to_change else recipient_to_tell(session, user_id)
    if found is None:
        found = Recipient(user_id=user_id, **_NOBODY, updated_at=now, known_since=None, deleted_at=None)
        session.add(found)
    session.info.setdefault(_TOLD, {})[user_id] = found
    return found


def recipient_to_tell(session: Session, user_id: str) -> Recipient | None:
    """The stored recipient (None: notify knows nothing of them), locked shared until the commit as
    `recipient_or_new` locks it. Read once per transaction: one event tells a person several things
    (a message, its calendar entry, a reminder), each asking, and a locked read is never answered
    from the session's rows by SQLAlchemy."""
    known = session.info.setdefault(_TOLD, {})
    if user_id not in known:
        known[user_id] = session.get(Recipient, user_id, with_for_update={"read": True})
    return known[user_id]


_TOLD = "notify.recipients"  # in a session's info: the recipients its transaction has read locked (or added)


# A recipient's details before anyone told notify anything, and after an erasure.
_NOBODY = dict(email="", phone="", first_name="", last_name="", language="en", channels="email",
               kinds=DEFAULT_KINDS, quiet_hours_start="", quiet_hours_end="",
               time_zone=DEFAULT_TIME_ZONE)


def erase_recipient(session: Session, user_id: str, now: dt.datetime) -> Recipient:
    """Blanks a user's contact details and preferences, deletes their inbox and cancels their
    reminders (as the player who booked and as an invited player)."""
    found = recipient_or_new(session, user_id, now, to_change=True)
    for name, value in _NOBODY.items():
        setattr(found, name, value)
    found.updated_at = now
    for reminder in rows_of(session, Reminder.user_id, user_id):
        reminder.status, reminder.updated_at = REMINDER_CANCELLED, now
    for owner in (InboxMessage.user_id, Device.user_id, CalendarFeed.user_id, CalendarEntry.user_id):
        for row in rows_of(session, owner, user_id):
            session.delete(row)
    return found


# -- templates ------------------------------------------------------------------------------------


def template(session: Session, kind: str, channel: str, language: str) -> Template | None:
    return session.get(Template, (kind, channel, language))


def template_version(session: Session) -> int:
    """The templates' version as this transaction sees it: read once per transaction (a consumer's
    transaction queues many messages, each asking), again after it wrote a template."""
    if _TEMPLATE_VERSION not in session.info:
        session.info[_TEMPLATE_VERSION] = session.scalar(_CURRENT_TEMPLATE_VERSION)
    return session.info[_TEMPLATE_VERSION]


_TEMPLATE_VERSION = "notify.template_version"  # in a session's info: the version its transaction read
_CURRENT_TEMPLATE_VERSION = select(TemplateVersion.version).where(TemplateVersion.id == 1)


def templates(session: Session, *, kind: str = "", channel: str = "", language: str = "", page_size: int = 0,
              page_token: str = "") -> Page[Template]:
    """One page, ordered by kind, channel and language."""
    query = _filtered(select(Template), (Template.kind, kind), (Template.channel, channel),
                      (Template.language, language))
    return page(session, "notify.templates", query, (Template.kind, Template.channel, Template.language),
                page_size, page_token)


def add_templates_if_missing(session: Session, defaults: Iterable[tuple[str, str, str, str, str]],
                             now: dt.datetime) -> None:
    """Ships the defaults (kind, channel, language, subject, body); a built-in row is refreshed, an
    admin's edit is kept. The rows there are read in one query and the missing ones inserted together:
    one statement per default made every start (and every test's server) wait for hundreds of them."""
    session.info.pop(_TEMPLATE_VERSION, None)  # the triggers raise it
    found = {(t.kind, t.channel, t.language): t for t in session.scalars(select(Template))}
    for kind, channel, language, subject, body in defaults:
        template = found.get((kind, channel, language))
        if template is None:
            session.add(Template(kind=kind, channel=channel, language=language, subject=subject, body=body,
                                 built_in=True, updated_at=now))
        elif template.built_in and (template.subject, template.body) != (subject, body):
            template.subject, template.body, template.updated_at = subject, body, now


def save_template(session: Session, kind: str, channel: str, language: str, subject: str, body: str,
                  now: dt.datetime) -> Template:
    session.info.pop(_TEMPLATE_VERSION, None)  # the triggers raise it
    found = session.get(Template, (kind, channel, language))
    if found is None:
        found = Template(kind=kind, channel=channel, language=language)
        session.add(found)
    found.subject, found.body, found.built_in, found.updated_at = subject, body, False, now
    session.flush()
    return found


# -- deliveries -----------------------------------------------------------------------------------


def add_delivery(session: Session, delivery: Delivery) -> Delivery:
    session.add(delivery)
    return delivery


def claim_due_deliveries(session: Session, now: dt.datetime, limit: int) -> list[Delivery]:
    """Queued deliveries whose time has come, locked so another replica skips them."""
    return list(session.scalars(
        select(Delivery)
        .where(Delivery.status == QUEUED, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)))


def delivery(session: Session, delivery_id: str) -> Delivery | None:
    return session.get(Delivery, delivery_id)


def deliveries(session: Session, *, user_id: str = "", channel: str = "", status: str = "", page_size: int = 0,
               page_token: str = "") -> Page[Delivery]:
    """One page of the delivery log, newest first."""
    query = _filtered(select(Delivery), (Delivery.user_id, user_id), (Delivery.channel, channel),
                      (Delivery.status, status))
    return page(session, "notify.deliveries", query, (Delivery.created_at, Delivery.id), page_size, page_token,
                descending=True)


def deliveries_of(session: Session, user_id: str) -> list[Delivery]:
    """Every delivery to one user, whatever its status, oldest first."""
    return rows_of(session, Delivery.user_id, user_id, Delivery.created_at, Delivery.id)


def queue_depth(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == QUEUED)) or 0


def queue_state(session: Session) -> tuple[int, dt.datetime | None]:
    """(queued deliveries, when the first of them is due): one read, the idle poll's whole cost."""
    depth, first_due = session.execute(select(func.count(), func.min(Delivery.next_attempt_at))
                                       .where(Delivery.status == QUEUED)).one()
    return depth or 0, first_due


def first_reminder_due(session: Session) -> dt.datetime | None:
    return session.scalar(select(func.min(Reminder.remind_at)).where(Reminder.status == REMINDER_PENDING))


# -- inbox ----------------------------------------------------------------------------------------


def add_inbox_message(session: Session, message: InboxMessage) -> InboxMessage:
    session.add(message)
    return message


def inbox_message(session: Session, message_id: str) -> InboxMessage | None:
    return session.get(InboxMessage, message_id)


def inbox(session: Session, user_id: str, *, unread_only: bool = False, page_size: int = 0,
          page_token: str = "") -> Page[InboxMessage]:
    """One page of a user's messages, newest first."""
    query = select(InboxMessage).where(InboxMessage.user_id == user_id)
    if unread_only:
        query = query.where(InboxMessage.read_at.is_(None))
    return page(session, "notify.inbox", query, (InboxMessage.created_at, InboxMessage.id), page_size, page_token,
                descending=True)


def unread_count(session: Session, user_id: str) -> int:
    return session.scalar(select(func.count()).select_from(InboxMessage).where(
        InboxMessage.user_id == user_id, InboxMessage.read_at.is_(None))) or 0


# -- reminders ------------------------------------------------------------------------------------


def reminder(session: Session, booking_id: str, user_id: str) -> Reminder | None:
    return session.get(Reminder, (booking_id, user_id))


def reminders_of(session: Session, booking_id: str) -> list[Reminder]:
    """Every player's reminder of one booking."""
    return list(session.scalars(select(Reminder).where(Reminder.booking_id == booking_id).order_by(Reminder.user_id)))


def add_reminder(session: Session, found: Reminder) -> Reminder:
    session.add(found)
    return found


def claim_due_reminders(session: Session, now: dt.datetime, limit: int) -> list[Reminder]:
    return list(session.scalars(
        select(Reminder)
        .where(Reminder.status == REMINDER_PENDING, Reminder.remind_at <= now)
        .order_by(Reminder.remind_at, Reminder.booking_id, Reminder.user_id)
        .limit(limit)
        .with_for_update(skip_locked=True)))


# -- calendar -------------------------------------------------------------------------------------


def calendar_entry(session: Session, booking_id: str, user_id: str) -> CalendarEntry | None:
    return session.get(CalendarEntry, (booking_id, user_id))


def add_calendar_entry(session: Session, entry: CalendarEntry) -> CalendarEntry:
    session.add(entry)
    return entry


def calendar_of(session: Session, user_id: str, since: dt.datetime, limit: int) -> list[CalendarEntry]:
    """A user's live entries starting from `since`, soonest first, at most `limit`."""
    return list(session.scalars(
        select(CalendarEntry)
        .where(CalendarEntry.user_id == user_id, CalendarEntry.cancelled.is_(False), CalendarEntry.start_time >= since)
        .order_by(CalendarEntry.start_time, CalendarEntry.booking_id)
        .limit(limit)))


def calendar_feed(session: Session, user_id: str) -> CalendarFeed | None:
    return session.get(CalendarFeed, user_id, with_for_update=True)


def calendar_feed_by_hash(session: Session, token_hash: str) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash))


def add_calendar_feed(session: Session, feed: CalendarFeed) -> CalendarFeed:
    session.add(feed)
    return feed


def delete(session: Session, row: Base) -> None:
    session.delete(row)


# -- devices --------------------------------------------------------------------------------------


def device_by_token(session: Session, token: str) -> Device | None:
    return session.scalar(select(Device).where(Device.token == token).with_for_update())


def device(session: Session, device_id: str) -> Device | None:
    return session.get(Device, device_id)


def devices_of(session: Session, user_id: str) -> list[Device]:
    """A user's devices, newest first."""
    return rows_of(session, Device.user_id, user_id, Device.created_at.desc(), Device.id.desc())


def forget_device(session: Session, token: str) -> None:
    """Removes the device with this token, whoever it belongs to (no row: nothing to do)."""
    found = device_by_token(session, token)
    if found is not None:
        session.delete(found)


def add_device(session: Session, found: Device) -> Device:
    session.add(found)
    session.flush()  # the token is unique: a clash shows here, inside the use case
    return found
