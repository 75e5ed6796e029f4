"""The booking job: a background worker that releases expired holds and completes finished games.

Runs every PADEL_BOOKING_JOB_INTERVAL_SECONDS in every replica; on PostgreSQL the rows are taken
with FOR UPDATE SKIP LOCKED, so two replicas never handle the same booking twice.
"""

import logging
import threading

from booking_svc.desk import BookingDesk

log = logging.getLogger("padel.booking.jobs")


class BookingJob:
    def __init__(self, desk: BookingDesk, interval_seconds: float):
        self.desk = desk
        self.interval = interval_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="booking-job", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def run_once(self) -> tuple[int, int]:
        """(holds expired, bookings completed) in this pass."""
        return self.desk.expire_holds(), self.desk.complete_finished()

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                expired, completed = self.run_once()
                if expired or completed:
                    log.info("booking job", extra={"expired": expired, "completed": completed})
            except Exception:  # noqa: BLE001 - the job must survive a database outage and retry
                log.exception("booking job failed; retrying next interval")
