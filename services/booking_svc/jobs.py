"""The booking job: a background worker that releases expired holds and completes finished games.

Runs every PADEL_BOOKING_JOB_INTERVAL_SECONDS in every replica; on PostgreSQL the rows are taken
with FOR UPDATE SKIP LOCKED, so two replicas never handle the same booking twice.
"""

import logging

from booking_svc.desk import BookingDesk
from mesh.jobs import PeriodicJob

log = logging.getLogger("padel.booking.jobs")


class BookingJob(PeriodicJob):
    def __init__(self, desk: BookingDesk, interval_seconds: float):
        super().__init__("booking-job", interval_seconds)
        self.desk = desk

    def run_once(self) -> tuple[int, int]:
        """(holds expired, bookings completed) in this pass."""
        return self.desk.expire_holds(), self.desk.complete_finished()

    def work(self) -> bool:
        expired, completed = self.run_once()
        if expired or completed:
            log.info("booking job", extra={"expired": expired, "completed": completed})
        return False
