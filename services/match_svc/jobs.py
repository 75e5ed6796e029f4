"""match_svc's jobs: the result job confirms results the other side left unanswered past the
confirmation window; the hold job releases matches on a held court that did not fill by their deadline
and ends the join requests of matches that have started.

Both run every PADEL_MATCH_JOB_INTERVAL_SECONDS in every replica; on PostgreSQL their rows are taken
with FOR UPDATE SKIP LOCKED, so two replicas never handle the same one.
"""

import logging

from match_svc.service import Matches, Results
from mesh.db import Database
from mesh.jobs import PeriodicJob

log = logging.getLogger("padel.match.jobs")


class ResultJob(PeriodicJob):
    def __init__(self, database: Database, results: Results, interval_seconds: float):
        super().__init__("result-job", interval_seconds)
        self.database = database
        self.results = results

    def work(self) -> bool:
        confirmed, failed = self.results.confirm_due(self.database)
        if confirmed or failed:
            log.info("results confirmed automatically", extra={"confirmed": confirmed, "failed": failed})
        return False


class HoldJob(PeriodicJob):
    def __init__(self, database: Database, matches: Matches, interval_seconds: float):
        super().__init__("hold-job", interval_seconds)
        self.database = database
        self.matches = matches

    def work(self) -> bool:
        released = self.matches.release_unfilled(self.database)
        if released:
            log.info("matches released: not enough players in time", extra={"released": released})
        ended = self.matches.end_started_requests(self.database)
        if ended:
            log.info("join requests of started matches ended", extra={"matches": ended})
        return False
