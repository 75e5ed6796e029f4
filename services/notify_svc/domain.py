"""notify's rules: who gets which message on which channel and when, and what a delivery outcome means.

No grpc and no SQL strings here: callers pass a session, `store` runs the queries. Times are
aware UTC datetimes; quiet hours and message texts use the recipient's or the venue's zone.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from mesh import caller
from mesh.errors import FailedPrecondition, InvalidArgument, NotFound
from mesh.settings import DEFAULT_TIME_ZONE
from notify_svc import metrics, store, templates
from notify_svc.rendering import Renderer
from notify_svc.templates import EMAIL, IN_APP, KINDS, Refused

log = logging.getLogger(__name__)

FREE_KIND = "message"  # the kind of a free (untemplated) message sent by an admin
MASKED = "***"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def _clock(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        return None


# -- pure rules -----------------------------------------------------------------------------------


def quiet_until(start: str, end: str, zone: str, at: dt.datetime) -> dt.datetime | None:
    """When the quiet hours around `at` end (UTC), or None when `at` is not in quiet hours.

    `start`/`end` are local HH:MM; a window like 22:00–07:00 runs past midnight.
    """
    begin, finish = _clock(start), _clock(end)
    if begin is None or finish is None or begin == finish:
        return None
    tz = _zone(zone)
    local = at.astimezone(tz)
    moment = local.time().replace(tzinfo=None)
    if begin < finish:
        quiet, ends_on = begin <= moment < finish, local.date()
    elif moment >= begin:
        quiet, ends_on = True, local.date() + dt.timedelta(days=1)
    else:
        quiet, ends_on = moment < finish, local.date()
    if not quiet:
        return None
    return dt.datetime.combine(ends_on, finish, tzinfo=tz).astimezone(dt.timezone.utc)


def backoff_seconds(attempts: int, base: float, ceiling: float) -> float:
    """Wait before try `attempts + 1`: base, 2·base, 4·base, … up to `ceiling`."""
    return min(base * 2 ** max(attempts - 1, 0), ceiling)


def channels_for(recipient: store.Recipient, kind: str) -> list[str]:
    """The channels a message of `kind` goes out on: security by email only, whatever the
    preferences; others on the recipient's channels plus the in-app inbox, if they want the kind."""
    spec = KINDS.get(kind)
    if spec is not None and spec.urgent:
        return [EMAIL]
    if spec is not None and spec.family not in _split(recipient.kinds):
        return []
    return [*_split(recipient.channels), IN_APP]


def address(recipient: store.Recipient, channel: str) -> str:
    """Where `channel` reaches the recipient; empty when it cannot."""
    return {"email": recipient.email, "sms": recipient.phone, "whatsapp": recipient.phone,
            "push": recipient.device_token, "in_app": recipient.user_id}.get(channel, "")


def mask(value: str) -> str:
    """An address as the delivery log shows it: enough to recognise, not enough to harvest. At most
    half of an email's name (two letters) shows; of a phone number, device token or user id the
    first four and last two characters; an address masked already (a forgotten one) stays as it is."""
    if MASKED in value:
        return value
    if "@" in value:
        name, domain = value.split("@", 1)
        return f"{name[:min(2, len(name) // 2)]}{MASKED}@{domain}"
    return f"{value[:4]}{MASKED}{value[-2:]}" if len(value) > 8 else MASKED


def without_address(text: str, address: str) -> str:
    """A provider's error text with the recipient's address masked (SMS providers echo the number,
    with or without its "+"), so the delivery log and the service log show only masked addresses."""
    for form in dict.fromkeys((address, address.lstrip("+"))):
        if len(form) > 3:
            text = text.replace(form, mask(address))
    return text


def _split(names: str) -> list[str]:
    return [name for name in names.split(",") if name]


def local_text(at: dt.datetime, zone: str) -> dict[str, str]:
    local = at.astimezone(_zone(zone))
    return {"date": local.strftime("%a %d %b %Y"), "time": local.strftime("%H:%M"),
            "stamp": local.strftime("%d %b %Y %H:%M %Z")}


def money_text(amount_paisa: int, currency: str) -> str:
    """"PKR 4,500" for 450000 paisa; paisa are shown only when there are some."""
    digits = 0 if amount_paisa % 100 == 0 else 2
    return f"{currency or 'PKR'} {amount_paisa / 100:,.{digits}f}"


def encode_page_token(created_at: dt.datetime, row_id: str) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{row_id}".encode()).decode().rstrip("=")


def decode_page_token(token: str) -> tuple[dt.datetime, str] | None:
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        stamp, row_id = raw.split("|", 1)
        created_at = dt.datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidArgument.field("page_token", "not a token from a previous page") from None
    return created_at, row_id


def page_size(requested: int) -> int:
    return requested or 20


# -- facts carried by events ----------------------------------------------------------------------


@dataclass(frozen=True)
class Booking:
    """What a booking event says about the booking (converted from protobuf in events.py)."""

    booking_id: str
    player_id: str
    venue_name: str
    court_name: str
    start_time: dt.datetime
    end_time: dt.datetime
    time_zone: str
    price_paisa: int
    currency: str
    confirmed: bool
    participant_ids: tuple[str, ...] = ()  # invited players, never the player who booked

    def variables(self) -> dict[str, str]:
        start, end = local_text(self.start_time, self.time_zone), local_text(self.end_time, self.time_zone)
        return {"venue_name": self.venue_name, "court_name": self.court_name, "date": start["date"],
                "start_time": start["time"], "end_time": end["time"], "booking_id": self.booking_id,
                "price": money_text(self.price_paisa, self.currency)}


@dataclass(frozen=True)
class Contact:
    """Contact details from auth's events; empty fields leave what is stored."""

    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class Preferences:
    """A user's notification preferences from user_svc, as channel and family names."""

    language: str
    channels: list[str]
    kinds: list[str]
    quiet_hours_start: str
    quiet_hours_end: str
    time_zone: str


@dataclass
class Rendered:
    subject: str
    body: str
    html: bool = False


# -- the service ----------------------------------------------------------------------------------


@dataclass
class Notifications:
    """Turns facts into queued deliveries and delivery outcomes into statuses."""

    app_base_url: str = "http://127.0.0.1:3000"
    reminder_lead: dt.timedelta = dt.timedelta(hours=2)
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = 5
    clock: Callable[[], dt.datetime] = field(default=now)
    renderer: Renderer = field(default_factory=Renderer)

    # recipients

    # A user notify knows is one auth's events (registration, security links) or user_svc's
    # preferences spoke of; an id seen only in a booking is not (see `known`). Nothing is
    # remembered about, or sent to, a deleted account (see `erase`).

    def remember_contact(self, session: Session, user_id: str, contact: Contact) -> store.Recipient:
        """What auth's events say about a user."""
        recipient = self._known(session, user_id)
        if recipient.deleted_at is None:
            for name, limit in (("email", 320), ("phone", 32), ("first_name", 100), ("last_name", 100)):
                if getattr(contact, name):
                    setattr(recipient, name, getattr(contact, name)[:limit])  # never fail an event on a column size
        return recipient

    def remember_preferences(self, session: Session, user_id: str, preferences: Preferences) -> None:
        recipient = self._known(session, user_id)
        if recipient.deleted_at is not None:
            return
        recipient.language = preferences.language if preferences.language in templates.LANGUAGES else "en"
        recipient.channels = ",".join(preferences.channels)
        recipient.kinds = ",".join(preferences.kinds)
        recipient.quiet_hours_start = preferences.quiet_hours_start
        recipient.quiet_hours_end = preferences.quiet_hours_end
        recipient.time_zone = preferences.time_zone or DEFAULT_TIME_ZONE

    def _known(self, session: Session, user_id: str) -> store.Recipient:
        recipient = store.recipient_or_new(session, user_id, self.clock(), to_change=True)
        if recipient.deleted_at is None:
            recipient.known_since = recipient.known_since or self.clock()
            recipient.updated_at = self.clock()
        return recipient

    def known(self, session: Session, user_id: str) -> store.Recipient:
        """The recipient auth or user_svc told notify about and whose account lives, or NotFound."""
        recipient = store.recipient(session, user_id)
        if recipient is None or recipient.known_since is None or recipient.deleted_at is not None:
            raise NotFound("no user with this user_id")
        return recipient

    def _deleted(self, session: Session, user_id: str) -> bool:
        recipient = store.recipient(session, user_id)
        return recipient is not None and recipient.deleted_at is not None

    def erase(self, session: Session, user_id: str, why: str, *, deleted_at: dt.datetime | None = None) -> None:
        """Forgets a person whose profile or account was deleted, idempotently: addresses, names
        and preferences are blanked, the inbox is emptied, reminders are cancelled (also as an
        invited player) and queued deliveries fail unsent with `why`. The delivery log keeps each
        delivery's kind, channel and outcome, and no address, text or provider message id.

        `deleted_at` (the account is gone) also closes the row for good, so that events arriving
        later (a booking cancelled by policy, an invitation in flight) queue and remember nothing.
        After a profile deletion the account lives on: auth's next event brings an address back.
        """
        recipient = store.erase_recipient(session, user_id, self.clock())
        if deleted_at is not None:
            recipient.deleted_at = recipient.deleted_at or deleted_at
        for delivery in store.deliveries_of(session, user_id):
            if delivery.status == store.QUEUED:
                delivery.status, delivery.next_attempt_at, delivery.last_error = store.FAILED, None, why
            # A provider's error text had the address masked (`without_address`); now not even that.
            delivery.last_error = delivery.last_error.replace(mask(delivery.recipient), MASKED)
            delivery.recipient, delivery.subject, delivery.body, delivery.provider_message_id = "", "", "", ""

    # templates

    def install_default_templates(self, session: Session) -> None:
        for kind, channel, language, subject, body in templates.defaults():
            store.add_template_if_missing(session, kind, channel, language, subject, body, self.clock())

    def save_template(self, session: Session, kind: str, channel: str, language: str, subject: str,
                      body: str) -> store.Template:
        caller.require_role(caller.ADMIN)
        self.renderer.check(kind, channel, subject, body)
        return store.save_template(session, kind, channel, language, subject, body, self.clock())

    def _render(self, session: Session, kind: str, channel: str, language: str,
                variables: dict[str, str]) -> Rendered:
        found = store.template(session, kind, channel, language) or store.template(session, kind, channel, "en")
        if found is None:
            raise FailedPrecondition(f"no template for {kind} on {channel}")
        html = templates.is_html(channel, "body")
        return Rendered(self.renderer.render(found.subject, variables, html=False),
                        self.renderer.render(found.body, variables, html=html), html)

    def _template_failed(self, delivery: store.Delivery, language: str, problem: str,
                         variables: dict[str, str]) -> None:
        """A template that fails with these values fails its own delivery only: never the event,
        the other channels or the delivery worker. The values are masked out of the reason (a
        security link's token has no place in the log)."""
        for value in sorted(variables.values(), key=len, reverse=True):
            if len(value) > 3:
                problem = problem.replace(value, MASKED)
        delivery.status, delivery.next_attempt_at = store.FAILED, None
        delivery.last_error = f"template {delivery.kind}/{delivery.channel}/{language}: {problem}"[:500]
        log.warning("template failed, delivery failed", extra={
            "delivery_id": delivery.id, "kind": delivery.kind, "channel": delivery.channel, "language": language,
            "error": delivery.last_error})
        metrics.SENT.labels(delivery.channel, store.FAILED).inc()

    # queueing

    def notify(self, session: Session, user_id: str, kind: str, variables: dict[str, str], *,
               channels: list[str] | None = None, free: Rendered | None = None) -> list[store.Delivery]:
        """Queues one message to `user_id` on each channel (their preferences when `channels` is
        None); a channel with no address for them is skipped and logged."""
        recipient = store.recipient_or_new(session, user_id, self.clock(), to_change=False)
        if recipient.deleted_at is not None:
            log.info("account deleted, message dropped", extra={"user_id": user_id, "kind": kind})
            return []
        spec = KINDS.get(kind)
        urgent = spec is not None and spec.urgent
        at = self.clock()
        held_until = None if urgent else quiet_until(recipient.quiet_hours_start, recipient.quiet_hours_end,
                                                      recipient.time_zone, at)
        values = {"first_name": recipient.first_name or recipient.email.split("@")[0], **variables}
        queued = []
        for channel in (channels_for(recipient, kind) if channels is None else channels):
            to = address(recipient, channel)
            if not to:
                log.info("no address for this channel, message skipped",
                         extra={"user_id": user_id, "kind": kind, "channel": channel})
                continue
            delivery = store.add_delivery(session, store.Delivery(
                id=str(uuid.uuid4()), user_id=user_id, kind=kind, channel=channel, recipient=to, subject="",
                body="", html=False, urgent=urgent, status=store.QUEUED, attempts=0,
                next_attempt_at=held_until or at, last_error="", provider_message_id="", created_at=at,
                sent_at=None))
            queued.append(delivery)
            try:
                text = free or self._render(session, kind, channel, recipient.language, values)
            except Refused as refused:
                self._template_failed(delivery, recipient.language, str(refused), values)
                continue
            delivery.subject, delivery.body, delivery.html = text.subject[:400], text.body, text.html
            if channel == IN_APP:
                # The inbox is ours: delivered at once, quiet hours do not apply to a silent message.
                store.add_inbox_message(session, store.InboxMessage(
                    id=str(uuid.uuid4()), user_id=user_id, kind=kind, title=text.subject[:400], body=text.body,
                    created_at=at, read_at=None))
                delivery.status, delivery.attempts, delivery.sent_at, delivery.next_attempt_at = \
                    store.DELIVERED, 1, at, None
                metrics.SENT.labels(channel, "delivered").inc()
        return queued

    def send_by_admin(self, session: Session, user_id: str, channels: list[str], kind: str,
                      variables: dict[str, str], subject: str, body: str) -> list[store.Delivery]:
        caller.require_role(caller.ADMIN)
        free = None
        if kind:
            if kind not in KINDS:
                raise InvalidArgument.field("kind", f"unknown kind; one of {', '.join(sorted(KINDS))}")
            missing = KINDS[kind].variables - {"first_name"} - variables.keys()  # notify knows the name
            if missing:
                raise InvalidArgument.field("variables", f"{kind} needs {', '.join(sorted(missing))}")
        else:
            if not body.strip():
                raise InvalidArgument.field("body", "a message without a kind needs a body")
            free = Rendered(subject, body)
        self.known(session, user_id)
        queued = self.notify(session, user_id, kind or FREE_KIND, variables, channels=channels or None, free=free)
        if not queued:
            raise FailedPrecondition("the recipient cannot be reached on any of these channels")
        return queued

    def security_link(self, session: Session, user_id: str, kind: str, path: str, token: str,
                      expires_at: dt.datetime | None, contact: Contact) -> None:
        zone = self.remember_contact(session, user_id, contact).time_zone
        self.notify(session, user_id, kind, {
            "link": f"{self.app_base_url}{path}?token={token}", "token": token,
            "expires_at": local_text(expires_at, zone)["stamp"] if expires_at else ""})

    # bookings, invited players and reminders
    #
    # The player who booked hears about every step of their booking. Invited players (the
    # booking's participant_ids) hear about it once it is confirmed: an invitation, then a move, a
    # cancellation or being taken off the list; everybody gets a reminder. A booking's reminder rows
    # are also notify's record of whom it has told, so a repeated confirmation invites nobody twice.

    def booking_message(self, session: Session, kind: str, booking: Booking, extra: dict[str, str] | None = None) -> None:
        """Tells the player who booked."""
        self.notify(session, booking.player_id, kind, {**booking.variables(), **(extra or {})})

    def booking_placed(self, session: Session, kind: str, booking: Booking) -> None:
        """Created or confirmed: the player hears `kind`; a confirmed booking invites its players."""
        self.booking_message(session, kind, booking)
        if booking.confirmed:
            self._keep_players_posted(session, booking, previous_start_time=None)

    def booking_moved(self, session: Session, booking: Booking, previous_start: dt.datetime | None) -> None:
        """A new court, time or list of players (the event carries the list as it is now)."""
        previous = {"previous_start_time": local_text(previous_start, booking.time_zone)["stamp"] if previous_start else ""}
        self.booking_message(session, "booking_rescheduled", booking, previous)
        if booking.confirmed:
            self._keep_players_posted(session, booking, previous_start_time=previous["previous_start_time"])
        else:
            self.booking_over(session, booking.booking_id)

    def players_changed(self, session: Session, booking: Booking) -> None:
        """Only the list of invited players changed: a confirmed booking invites the new ones and
        withdraws the removed ones; a pending one tells nobody yet (its confirmation invites)."""
        if booking.confirmed:
            self._keep_players_posted(session, booking, previous_start_time=None)

    def booking_cancelled(self, session: Session, booking: Booking, reason: str, refund: str) -> None:
        """The player hears the reason and refund; every invited player who was told hears the reason."""
        told = self._told(session, booking)
        self.booking_over(session, booking.booking_id)
        self.booking_message(session, "booking_cancelled", booking, {"reason": reason, "refund": refund})
        for user_id in told:
            self.notify(session, user_id, "invitation_cancelled", {**booking.variables(), "reason": reason})

    def booking_over(self, session: Session, booking_id: str) -> None:
        """Cancels every pending reminder of the booking (cancelled, played, missed)."""
        for reminder in store.reminders_of(session, booking_id):
            if reminder.status == store.REMINDER_PENDING:
                reminder.status, reminder.updated_at = store.REMINDER_CANCELLED, self.clock()

    def _told(self, session: Session, booking: Booking) -> list[str]:
        """Invited players notify has told about the booking and not yet taken off it."""
        return [row.user_id for row in store.reminders_of(session, booking.booking_id)
                if row.user_id != booking.player_id and row.status != store.REMINDER_CANCELLED]

    def _keep_players_posted(self, session: Session, booking: Booking, *, previous_start_time: str | None) -> None:
        """Invites players not told yet, tells the others about a move (`previous_start_time` set),
        withdraws the invitation of players no longer listed, and (re)schedules everyone's reminder."""
        told, listed = self._told(session, booking), set(booking.participant_ids)
        variables = booking.variables()
        for user_id in booking.participant_ids:
            if user_id not in told:
                self.notify(session, user_id, "booking_invitation", variables)
            elif previous_start_time is not None:
                self.notify(session, user_id, "invitation_rescheduled",
                            {**variables, "previous_start_time": previous_start_time})
        for user_id in told:
            if user_id not in listed:
                self.notify(session, user_id, "invitation_withdrawn", variables)
                reminder = store.reminder(session, booking.booking_id, user_id)
                reminder.status, reminder.updated_at = store.REMINDER_CANCELLED, self.clock()
        for user_id in (booking.player_id, *booking.participant_ids):
            self._schedule_reminder(session, booking, user_id)

    def _schedule_reminder(self, session: Session, booking: Booking, user_id: str) -> None:
        """One reminder per booking and player, `reminder_lead` before play; a moved booking moves it."""
        if self._deleted(session, user_id):
            return  # a deleted account is reminded of nothing
        at = self.clock()
        reminder = store.reminder(session, booking.booking_id, user_id)
        if reminder is None:
            reminder = store.add_reminder(session, store.Reminder(booking_id=booking.booking_id, user_id=user_id,
                                                                 status=store.REMINDER_PENDING))
        elif reminder.status == store.REMINDER_SENT and reminder.start_time == booking.start_time:
            return  # already reminded about this very start time
        reminder.venue_name, reminder.court_name = booking.venue_name, booking.court_name
        reminder.time_zone = booking.time_zone or DEFAULT_TIME_ZONE
        reminder.start_time, reminder.end_time = booking.start_time, booking.end_time
        reminder.remind_at = booking.start_time - self.reminder_lead
        # Play already started: no point in a reminder any more.
        reminder.status = store.REMINDER_PENDING if booking.start_time > at else store.REMINDER_CANCELLED
        reminder.updated_at = at

    def release_due_reminders(self, session: Session, limit: int = 100) -> int:
        """Turns due reminders into messages, in the transaction that marks them sent."""
        due = store.claim_due_reminders(session, self.clock(), limit)
        for reminder in due:
            start, end = local_text(reminder.start_time, reminder.time_zone), local_text(reminder.end_time, reminder.time_zone)
            self.notify(session, reminder.user_id, "booking_reminder", {
                "venue_name": reminder.venue_name, "court_name": reminder.court_name, "date": start["date"],
                "start_time": start["time"], "end_time": end["time"], "booking_id": reminder.booking_id})
            reminder.status, reminder.updated_at = store.REMINDER_SENT, self.clock()
        return len(due)

    # delivery outcomes

    def hold_for_quiet_hours(self, session: Session, delivery: store.Delivery) -> bool:
        """Moves a non-urgent delivery due in the recipient's quiet hours to their end."""
        if delivery.urgent:
            return False
        recipient = store.recipient(session, delivery.user_id)
        if recipient is None:
            return False
        until = quiet_until(recipient.quiet_hours_start, recipient.quiet_hours_end, recipient.time_zone, self.clock())
        if until is None:
            return False
        delivery.next_attempt_at = until
        return True

    def sent(self, delivery: store.Delivery, provider_message_id: str) -> None:
        at = self.clock()
        delivery.status, delivery.sent_at, delivery.next_attempt_at = store.SENT, at, None
        delivery.provider_message_id, delivery.last_error = provider_message_id[:200], ""
        metrics.SENT.labels(delivery.channel, "sent").inc()
        metrics.DELIVERY_SECONDS.labels(delivery.channel).observe((at - delivery.created_at).total_seconds())

    def failed(self, delivery: store.Delivery, error: str, *, temporary: bool) -> None:
        delivery.last_error = without_address(error, delivery.recipient)[:500]
        if not temporary:
            delivery.status, delivery.next_attempt_at = store.FAILED, None
        elif delivery.attempts >= self.max_attempts:
            delivery.status, delivery.next_attempt_at = store.DEAD, None
        else:
            wait = backoff_seconds(delivery.attempts, self.retry_base_seconds, self.retry_max_seconds)
            delivery.next_attempt_at = self.clock() + dt.timedelta(seconds=wait)
            metrics.SENT.labels(delivery.channel, "retry").inc()
            return
        metrics.SENT.labels(delivery.channel, delivery.status).inc()

    # reading

    def delivery_log(self, session: Session, *, user_id: str, channel: str, status: str, size: int,
                     token: str) -> tuple[list[store.Delivery], str]:
        caller.require_role(caller.ADMIN)
        limit = page_size(size)
        rows = store.deliveries(session, user_id=user_id, channel=channel, status=status,
                                before=decode_page_token(token), limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, encode_page_token(rows[-1].created_at, rows[-1].id) if more else ""

    def inbox(self, session: Session, *, unread_only: bool, size: int,
              token: str) -> tuple[list[store.InboxMessage], str, int]:
        user_id = caller.current().user_id
        limit = page_size(size)
        rows = store.inbox(session, user_id, unread_only=unread_only, before=decode_page_token(token), limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        token = encode_page_token(rows[-1].created_at, rows[-1].id) if more else ""
        return rows, token, store.unread_count(session, user_id)

    def mark_read(self, session: Session, message_id: str) -> store.InboxMessage:
        message = store.inbox_message(session, message_id)
        # Someone else's message is as good as absent: a 403 would confirm that it exists.
        if message is None or message.user_id != caller.current().user_id:
            raise NotFound("no such message in your inbox")
        if message.read_at is None:
            message.read_at = self.clock()
        return message
