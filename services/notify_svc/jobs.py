"""notify's background job, a `mesh.jobs.Loop` calling use cases with the service's database:
releasing due reminders and sending due deliveries (see `service.deliveries` for how a delivery is
claimed, sent and settled so that neither a crash nor a provider outage loses a message)."""

from __future__ import annotations

from mesh.db import Database
from mesh.jobs import Loop
from notify_svc.service import Bookings, Deliveries


class DeliveryJob(Loop):
    """Each round turns due reminders into queued messages and sends what is due, `batch_size` at a
    time, every `poll_seconds` or at once when woken. One loop for both: every wake of an idle
    service costs CPU, and a released reminder goes out in the round that released it."""

    def __init__(self, database: Database, deliveries: Deliveries, bookings: Bookings, *,
                 poll_seconds: float = 1.0, batch_size: int = 20, reminder_batch_size: int = 100):
        super().__init__("notify-delivery", poll_seconds)
        self.database = database
        self.deliveries = deliveries
        self.bookings = bookings
        self.batch_size = batch_size
        self.reminder_batch_size = reminder_batch_size

    def step(self) -> bool:
        """One round; True when a full batch was released or claimed, so more may be waiting."""
        released = self.bookings.release_due_reminders(self.database, self.reminder_batch_size)
        claimed = self.deliveries.send_due(self.database, self.batch_size)
        return released == self.reminder_batch_size or claimed == self.batch_size
