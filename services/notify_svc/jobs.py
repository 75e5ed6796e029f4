"""notify's background jobs, each a `mesh.jobs.Loop` calling use cases with the service's database:
releasing due reminders, and sending due deliveries (see `service.deliveries` for how a delivery is
claimed, sent and settled so that neither a crash nor a provider outage loses a message)."""

from __future__ import annotations

from mesh.db import Database
from mesh.jobs import Loop
from notify_svc.service import Bookings, Deliveries


class DeliveryJob(Loop):
    """Sends what is due, `batch_size` at a time, every `poll_seconds` or at once when woken."""

    def __init__(self, database: Database, deliveries: Deliveries, *, poll_seconds: float = 1.0,
                 batch_size: int = 20):
        super().__init__("notify-delivery", poll_seconds)
        self.database = database
        self.deliveries = deliveries
        self.batch_size = batch_size

    def step(self) -> bool:
        """One round; True when a full batch was claimed, so more may be waiting."""
        return self.deliveries.send_due(self.database, self.batch_size) == self.batch_size


class ReminderJob(Loop):
    """Turns due reminders into queued messages and wakes the delivery job to send them at once."""

    def __init__(self, database: Database, bookings: Bookings, delivery: DeliveryJob, *,
                 poll_seconds: float = 1.0, batch_size: int = 100):
        super().__init__("notify-reminders", poll_seconds)
        self.database = database
        self.bookings = bookings
        self.delivery = delivery
        self.batch_size = batch_size

    def step(self) -> bool:
        released = self.bookings.release_due_reminders(self.database, self.batch_size)
        if released:
            self.delivery.wake()
        return released == self.batch_size
