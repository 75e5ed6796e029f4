"""The booking job: a background worker that asks match_svc about court holds not heard opened
(`MatchHolds.check_unopened`), releases expired holds, completes finished games,
expires waitlist offers whose window ran out (each passing to the next in line), sends the owners'
weekly summaries when due, reminds members to renew (and tells them when a membership expired) and
draws each lottery once its entries closed.

Runs every PADEL_BOOKING_JOB_INTERVAL_SECONDS in every replica; on PostgreSQL the rows are taken
with FOR UPDATE SKIP LOCKED, so two replicas never handle the same booking twice.
"""

import logging
from typing import Callable

from booking_svc import metrics
from booking_svc.service import Bookings
from booking_svc.service.lotteries import Lotteries
from booking_svc.service.match_holds import MatchHolds
from booking_svc.service.memberships import Memberships
from booking_svc.service.summaries import WeeklySummaries
from booking_svc.service.waitlist import Waitlist
from mesh.db import Database
from mesh.jobs import PeriodicJob

log = logging.getLogger("padel.booking.jobs")


class BookingJob(PeriodicJob):
    def __init__(self, bookings: Bookings, database: Database, interval_seconds: float,
                 waitlist: Waitlist | None = None, summaries: WeeklySummaries | None = None,
                 memberships: Memberships | None = None, lotteries: Lotteries | None = None,
                 match_holds: MatchHolds | None = None):
        super().__init__("booking-job", interval_seconds)
        self.bookings = bookings
        self.database = database
        self.waitlist = waitlist
        self.summaries = summaries
        self.memberships = memberships
        self.lotteries = lotteries
        self.match_holds = match_holds

    def run_once(self) -> tuple[int, int]:
        """(holds expired, bookings completed) in this pass; run-out waitlist offers first, so the
        slot of an offer passes straight to the next in line. Each task runs on its own: one that
        fails is logged and counted and the others still run."""
        offers = self._attempt("waitlist offers", self.waitlist.expire_offers) if self.waitlist else 0
        if offers:
            log.info("waitlist offers expired", extra={"offers": offers})
        summaries = self._attempt("weekly summaries", self.summaries.send_due) if self.summaries else 0
        if summaries:
            log.info("weekly summaries sent", extra={"summaries": summaries})
        reminded = self._attempt("membership reminders", self.memberships.remind_renewals) if self.memberships else 0
        if reminded:
            log.info("membership reminders", extra={"memberships": reminded})
        drawn = self._attempt("lotteries", self.lotteries.draw_due) if self.lotteries else 0
        if drawn:
            log.info("lotteries drawn", extra={"lotteries": drawn})
        if self.match_holds:  # before the run-out holds go: a real match's late hold gets its term
            self._attempt("match holds", self.match_holds.check_unopened)
        return (self._attempt("holds", self.bookings.expire_holds),
                self._attempt("finished games", self.bookings.complete_finished))

    def _attempt(self, task: str, work: Callable[[Database], int]) -> int:
        try:
            return work(self.database)
        except Exception:  # noqa: BLE001 - one task's fault must not stop the others; the next pass retries
            log.exception("booking job task failed", extra={"task": task})
            metrics.job_failed(task)
            return 0

    def work(self) -> bool:
        expired, completed = self.run_once()
        if expired or completed:
            log.info("booking job", extra={"expired": expired, "completed": completed})
        return False
