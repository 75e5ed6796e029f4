"""The delivery worker: releases due reminders and sends queued deliveries whose time has come.

A delivery is claimed in a short transaction (rows locked with `FOR UPDATE SKIP LOCKED` on
PostgreSQL, so replicas never take the same row; SQLite serializes writers) that counts the try and
pushes `next_attempt_at` one lease ahead; the provider is called outside any transaction; the outcome
is written in a second one. A process that dies mid-send leaves the row queued: it is tried again
when the lease runs out, so a crash or a provider outage loses nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from mesh.db import Database
from mesh.jobs import PeriodicJob
from notify_svc import metrics, store
from notify_svc.channels import Channel, OutgoingMessage, PermanentFailure, TemporaryFailure
from notify_svc.domain import Notifications

log = logging.getLogger(__name__)


class DeliveryWorker(PeriodicJob):
    def __init__(self, database: Database, notifications: Notifications, channels: dict[str, Channel], *,
                 poll_seconds: float = 1.0, lease_seconds: float = 60.0, batch_size: int = 20):
        super().__init__("notify-delivery", poll_seconds)
        self.database = database
        self.notifications = notifications
        self.channels = channels
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.batch_size = batch_size

    def work(self) -> bool:
        return self.run_once()

    def run_once(self) -> bool:
        """One round; True when there may be more work right away."""
        with self.database.session() as session:
            reminders = self.notifications.release_due_reminders(session)
        claimed = self._claim()
        for message in claimed:
            self._send(message)
        with self.database.session() as session:
            metrics.QUEUE_DEPTH.set(store.queue_depth(session))
        return reminders > 0 or len(claimed) == self.batch_size

    def _claim(self) -> list[OutgoingMessage]:
        claimed = []
        with self.database.session() as session:
            for delivery in store.claim_due_deliveries(session, self.notifications.clock(), self.batch_size):
                if self.notifications.hold_for_quiet_hours(session, delivery):
                    continue
                delivery.attempts += 1
                delivery.next_attempt_at = self.notifications.clock() + self.lease
                claimed.append(OutgoingMessage(delivery.id, delivery.channel, delivery.recipient, delivery.subject,
                                               delivery.body, delivery.html))
        return claimed

    def _send(self, message: OutgoingMessage) -> None:
        channel = self.channels.get(message.channel)
        provider_id, error, temporary = "", "", True
        try:
            if channel is None:
                raise PermanentFailure(f"no channel {message.channel}")
            provider_id = channel.send(message)
        except TemporaryFailure as failure:
            error = str(failure)
        except PermanentFailure as failure:
            error, temporary = str(failure), False
        except Exception as failure:  # noqa: BLE001 - an unforeseen fault is retried, not lost
            log.exception("channel %s failed unexpectedly", message.channel)
            error = f"unexpected {type(failure).__name__}"
        with self.database.session() as session:
            delivery = store.delivery(session, message.delivery_id)
            if delivery is None or delivery.status != store.QUEUED:
                return
            if error:
                self.notifications.failed(delivery, error, temporary=temporary)
                log.warning("delivery failed", extra={"delivery_id": delivery.id, "channel": delivery.channel,
                                                      "attempt": delivery.attempts, "error": delivery.last_error})
            else:
                self.notifications.sent(delivery, provider_id)
