"""notify's background job, a `mesh.jobs.Loop` calling use cases with the service's database:
releasing due reminders and sending due deliveries (see `service.deliveries` for how a delivery is
claimed, sent and settled so that neither a crash nor a provider outage loses a message)."""

from __future__ import annotations

from mesh.db import Database
from mesh.jobs import Loop
from notify_svc.service import Bookings, Deliveries


class DeliveryJob(Loop):
    """Each round turns due reminders into queued messages and sends what is due, `batch_size` at a
    time. One loop for both: every wake of an idle service costs CPU, and a released reminder goes
    out in the round that released it.

    Between rounds it sleeps until the first queued message or pending reminder is due, woken at
    once by a commit in this process that queues a message or schedules a reminder (rounds stay
    `poll_seconds` apart, so a burst of news goes out in one round), and looks at least every
    `longest_wait_seconds` for what another replica left. With a test clock (`clock_moves`) a
    reminder's due time may jump nearer at any moment: it then looks every `poll_seconds`."""

    def __init__(self, database: Database, deliveries: Deliveries, bookings: Bookings, *,
                 poll_seconds: float = 1.0, longest_wait_seconds: float = 30.0, clock_moves: bool = False,
                 batch_size: int = 20, reminder_batch_size: int = 100):
        super().__init__("notify-delivery", longest_wait_seconds, spacing_seconds=poll_seconds)
        self.database = database
        self.deliveries = deliveries
        self.bookings = bookings
        self.clock_moves = clock_moves
        self.batch_size = batch_size
        self.reminder_batch_size = reminder_batch_size
        deliveries.on_new_work = self.wake

    def step(self) -> bool:
        """One round; True when a full batch was released or claimed, so more may be waiting."""
        released = self.bookings.release_due_reminders(self.database, self.reminder_batch_size)
        claimed = self.deliveries.send_due(self.database, self.batch_size)
        return released == self.reminder_batch_size or claimed == self.batch_size

    def idle_wait(self) -> float:
        reminder = self.spacing_seconds if self.clock_moves else self.bookings.next_reminder_in(self.database)
        waits = [wait for wait in (reminder, self.deliveries.next_due_in(self.database)) if wait is not None]
        return max(0.0, min([self.idle_seconds, *waits]))
