"""Deliveries: a message queued on each channel in the transaction of the change that causes it, an
admin's send, the delivery log, and the delivery job's round (`send_due`).

The round claims due deliveries in a short transaction (rows locked with `FOR UPDATE SKIP LOCKED`
on PostgreSQL, so replicas never take the same row; SQLite serializes writers) that counts the try
and pushes `next_attempt_at` one lease ahead; the provider is called outside any transaction; the
outcome is written in a second one. A process that dies mid-send leaves the row queued: it is tried
again when the lease runs out, so a crash or a provider outage loses nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Callable

from opentelemetry.trace import SpanKind
from sqlalchemy.orm import Session

from mesh import tracing
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, after_commit
from mesh.errors import FailedPrecondition, NotFound
from mesh.pager import Page
from notify_svc import domain, metrics, store, templates
from notify_svc.channels import AddressGone, Channel, OutgoingMessage, PermanentFailure, TemporaryFailure
from notify_svc.domain import Rendered
from notify_svc.rendering import Renderer
from notify_svc.templates import EMAIL, IN_APP, KINDS, PUSH, Refused

log = logging.getLogger("notify_svc.deliveries")
# What makes the text of an email's attachment (an iCalendar entry), called only if an email is queued.
Attachment = Callable[[], str]


class Deliveries:
    def __init__(self, renderer: Renderer, channels: dict[str, Channel], *, retry_base_seconds: float = 30.0,
                 retry_max_seconds: float = 3600.0, max_attempts: int = 5, lease_seconds: float = 60.0,
                 clock: Callable[[], dt.datetime] = utcnow):
        self.renderer = renderer
        self.templates = _KeptTemplates()
        self.channels = channels
        self.retry_base_seconds = retry_base_seconds
        self.retry_max_seconds = retry_max_seconds
        self.max_attempts = max_attempts
        self.lease = dt.timedelta(seconds=lease_seconds)
        # The queue's clock (when a message is due, its lease, its retries) is the machine's, never the
        # test clock: a message queued while a test moved time forward must not wait, once the test
        # clock is back, until real time catches up. Business time (a reminder's due time) is decided
        # before a message is queued, by the service's clock (`Bookings`).
        self.clock = clock
        # Told after each commit that queued a message or scheduled a reminder (the delivery job's
        # wake: it otherwise sleeps until the first message or reminder it knows of is due).
        self.on_new_work: Callable[[], None] | None = None

    # queueing, in the transaction of whatever causes the message

    def new_work(self, session: Session) -> None:
        """Something the delivery job must look at (a message, a reminder) is in `session`'s
        transaction: the job is woken once it commits."""
        if self.on_new_work is not None:
            after_commit(session, self.on_new_work)

    def queue(self, session: Session, user_id: str, kind: str, variables: dict[str, str], *,
              channels: list[str] | None = None, free: Rendered | None = None,
              calendar: Attachment | None = None) -> list[store.Delivery]:
        """Queues one message to `user_id` on each channel (their preferences when `channels` is
        None), on push once per device; a channel with no address for them is skipped and logged.
        `calendar` makes an iCalendar text attached to the email (called only when one is queued)."""
        recipient = store.recipient_or_new(session, user_id, self.clock(), to_change=False)
        if recipient.deleted_at is not None:
            log.info("account deleted, message dropped", extra={"user_id": user_id, "kind": kind})
            return []
        spec = KINDS.get(kind)
        urgent = spec is not None and spec.urgent
        at = self.clock()
        held_until = None if urgent else domain.quiet_until(recipient.quiet_hours_start, recipient.quiet_hours_end,
                                                             recipient.time_zone, at)
        values = {"first_name": recipient.first_name or recipient.email.split("@")[0], **variables}
        chosen = domain.channels_for(recipient, kind) if channels is None else channels
        # Only push needs the user's devices: most messages go without reading them.
        devices = [device.token for device in store.devices_of(session, user_id)] if PUSH in chosen else []
        queued = []
        for channel in chosen:
            targets = domain.addresses(recipient, channel, devices)
            if not targets:
                log.info("no address for this channel, message skipped",
                         extra={"user_id": user_id, "kind": kind, "channel": channel})
                continue
            try:
                text = free or self._render(session, kind, channel, recipient.language, values)
            except Refused as refused:
                text, problem = None, str(refused)
            for to in targets:
                delivery = store.add_delivery(session, store.Delivery(
                    id=str(uuid.uuid4()), user_id=user_id, kind=kind, channel=channel, recipient=to, subject="",
                    body="", html=False, calendar=calendar() if calendar and channel == EMAIL else "",
                    urgent=urgent, status=store.QUEUED, attempts=0, next_attempt_at=held_until or at, last_error="",
                    provider_message_id="", created_at=at, sent_at=None,
                    traceparent=tracing.current_traceparent()))
                queued.append(delivery)
                self.new_work(session)
                if text is None:
                    self._template_failed(session, delivery, recipient.language, problem, values)
                    continue
                delivery.subject, delivery.body, delivery.html = text.subject[:400], text.body, text.html
                if channel == IN_APP:
                    self._deliver_to_inbox(session, delivery, at)
        return queued

    def _deliver_to_inbox(self, session: Session, delivery: store.Delivery, at: dt.datetime) -> None:
        """The inbox is ours: delivered at once, quiet hours do not apply to a silent message."""
        store.add_inbox_message(session, store.InboxMessage(
            id=str(uuid.uuid4()), user_id=delivery.user_id, kind=delivery.kind, title=delivery.subject,
            body=delivery.body, created_at=at, read_at=None))
        delivery.status, delivery.attempts, delivery.sent_at, delivery.next_attempt_at = store.DELIVERED, 1, at, None
        # Counted once committed: an event handled again after its batch rolled back counts once.
        after_commit(session, metrics.SENT.labels(IN_APP, "delivered").inc)

    def _render(self, session: Session, kind: str, channel: str, language: str,
                variables: dict[str, str]) -> Rendered:
        found = self.templates.text(session, kind, channel, language)
        if found is None:
            raise FailedPrecondition(f"no template for {kind} on {channel}")
        html = templates.is_html(channel, "body")
        return Rendered(*self.renderer.render(*found, variables, html=html), html)

    def _template_failed(self, session: Session, delivery: store.Delivery, language: str, problem: str,
                         variables: dict[str, str]) -> None:
        """A template that fails with these values fails its own delivery only: never the event,
        the other channels or the delivery job."""
        problem = domain.without_values(problem, variables)
        delivery.status, delivery.next_attempt_at = store.FAILED, None
        delivery.last_error = f"template {delivery.kind}/{delivery.channel}/{language}: {problem}"[:500]
        log.warning("template failed, delivery failed", extra={
            "delivery_id": delivery.id, "kind": delivery.kind, "channel": delivery.channel, "language": language,
            "error": delivery.last_error})
        after_commit(session, metrics.SENT.labels(delivery.channel, store.FAILED).inc)

    # use cases

    def send_by_admin(self, uow: UnitOfWork, caller: Caller, user_id: str, channels: list[str], kind: str,
                      variables: dict[str, str], subject: str, body: str) -> list[store.Delivery]:
        """An admin's message to a user notify knows, templated (`kind`) or free."""
        domain.check_admin(caller)
        free = domain.free_message(kind, variables, subject, body)
        with uow.session() as session:
            if store.known_recipient(session, user_id) is None:
                raise NotFound("no user with this user_id")
            queued = self.queue(session, user_id, kind or domain.FREE_KIND, variables, channels=channels or None,
                                free=free)
            if not queued:
                raise FailedPrecondition("the recipient cannot be reached on any of these channels")
            return queued

    def delivery_log(self, uow: UnitOfWork, caller: Caller, *, user_id: str, channel: str, status: str,
                     page_size: int, page_token: str) -> Page[store.Delivery]:
        """One page of the delivery log, newest first (admins)."""
        domain.check_admin(caller)
        with uow.session(read_only=True) as session:
            return store.deliveries(session, user_id=user_id, channel=channel, status=status, page_size=page_size,
                                    page_token=page_token)

    def send_due(self, uow: UnitOfWork, limit: int) -> int:
        """The delivery job's round: claims up to `limit` due deliveries, hands each to its provider and
        records the outcome; returns how many were claimed. When nothing is due, one read and no
        write transaction (the job looks every poll)."""
        with uow.session(read_only=True) as session:
            depth, first_due = store.queue_state(session)
        metrics.QUEUE_DEPTH.set(depth)
        if first_due is None or first_due > self.clock():
            return 0
        claimed = self._claim(uow, limit)
        for message in claimed:
            self._send(uow, message)
        with uow.session(read_only=True) as session:
            metrics.QUEUE_DEPTH.set(store.queue_depth(session))
        return len(claimed)

    def next_due_in(self, uow: UnitOfWork) -> float | None:
        """Seconds until the first queued message is due (0 or less: due now); None when none is."""
        with uow.session(read_only=True) as session:
            _depth, first_due = store.queue_state(session)
        return None if first_due is None else (first_due - self.clock()).total_seconds()

    def _claim(self, uow: UnitOfWork, limit: int) -> list[OutgoingMessage]:
        claimed = []
        with uow.session() as session:
            for delivery in store.claim_due_deliveries(session, self.clock(), limit):
                if self._hold_for_quiet_hours(session, delivery):
                    continue
                delivery.attempts += 1
                delivery.next_attempt_at = self.clock() + self.lease
                claimed.append(OutgoingMessage(delivery.id, delivery.channel, delivery.recipient, delivery.subject,
                                               delivery.body, delivery.html, delivery.calendar,
                                               delivery.traceparent))
        return claimed

    def _hold_for_quiet_hours(self, session: Session, delivery: store.Delivery) -> bool:
        """Moves a non-urgent delivery due in the recipient's quiet hours to their end."""
        if delivery.urgent:
            return False
        recipient = store.recipient(session, delivery.user_id)
        if recipient is None:
            return False
        until = domain.quiet_until(recipient.quiet_hours_start, recipient.quiet_hours_end, recipient.time_zone,
                                   self.clock())
        if until is None:
            return False
        delivery.next_attempt_at = until
        return True

    def _send(self, uow: UnitOfWork, message: OutgoingMessage) -> None:
        # The sending joins the trace of the work that queued the message (e.g. a booking's).
        with tracing.continuing(message.traceparent, f"send {message.channel}", SpanKind.CLIENT,
                                {"padel.delivery.id": message.delivery_id, "padel.delivery.channel": message.channel}):
            self._send_traced(uow, message)

    def _send_traced(self, uow: UnitOfWork, message: OutgoingMessage) -> None:
        channel = self.channels.get(message.channel)
        provider_id, error, temporary, gone = "", "", True, False
        try:
            if channel is None:
                raise PermanentFailure(f"no channel {message.channel}")
            provider_id = channel.send(message)
        except TemporaryFailure as failure:
            error = str(failure)
        except PermanentFailure as failure:
            error, temporary, gone = str(failure), False, isinstance(failure, AddressGone)
        except Exception as failure:  # noqa: BLE001 - an unforeseen fault is retried, not lost
            log.exception("channel %s failed unexpectedly", message.channel)
            error = f"unexpected {type(failure).__name__}"
        with uow.session() as session:
            delivery = store.delivery(session, message.delivery_id)
            if delivery is None or delivery.status != store.QUEUED:
                return
            if gone:
                store.forget_device(session, message.to)  # uninstalled or expired: never push to it again
            if error:
                self._failed(delivery, error, temporary=temporary)
                log.warning("delivery failed", extra={"delivery_id": delivery.id, "channel": delivery.channel,
                                                      "attempt": delivery.attempts, "error": delivery.last_error})
            else:
                self._sent(delivery, provider_id)

    def _sent(self, delivery: store.Delivery, provider_message_id: str) -> None:
        at = self.clock()
        delivery.status, delivery.sent_at, delivery.next_attempt_at = store.SENT, at, None
        delivery.provider_message_id, delivery.last_error = provider_message_id[:200], ""
        metrics.SENT.labels(delivery.channel, "sent").inc()
        metrics.DELIVERY_SECONDS.labels(delivery.channel).observe((at - delivery.created_at).total_seconds())

    def _failed(self, delivery: store.Delivery, error: str, *, temporary: bool) -> None:
        delivery.last_error = domain.without_address(error, delivery.recipient)[:500]
        if not temporary:
            delivery.status, delivery.next_attempt_at = store.FAILED, None
        elif delivery.attempts >= self.max_attempts:
            delivery.status, delivery.next_attempt_at = store.DEAD, None
        else:
            wait = domain.backoff_seconds(delivery.attempts, self.retry_base_seconds, self.retry_max_seconds)
            delivery.next_attempt_at = self.clock() + dt.timedelta(seconds=wait)
            metrics.SENT.labels(delivery.channel, "retry").inc()
            return
        metrics.SENT.labels(delivery.channel, delivery.status).inc()


class _KeptTemplates:
    """The (subject, body) a message of a kind, channel and language is rendered with (its language's
    template, else English), kept in memory while the templates' version stays the one they were read
    at: a transaction reads the version once, not a template per message, and any write to the
    templates, by any replica, raises the version (store.TemplateVersion), so nothing stale is used."""

    def __init__(self):
        # (version, texts read at it): replaced whole, as threads (the consumer's, an admin's send) share it.
        self._kept: tuple[int | None, dict[tuple[str, str, str], tuple[str, str] | None]] = (None, {})

    def text(self, session: Session, kind: str, channel: str, language: str) -> tuple[str, str] | None:
        version = store.template_version(session)
        kept_version, texts = self._kept
        if kept_version != version:
            texts = {}
            self._kept = (version, texts)
        key = (kind, channel, language)
        if key not in texts:
            found = store.template(session, kind, channel, language) or store.template(session, kind, channel, "en")
            texts[key] = None if found is None else (found.subject, found.body)
        return texts[key]
