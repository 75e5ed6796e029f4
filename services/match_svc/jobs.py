"""The result job: confirms results the other side left unanswered past the confirmation window.

Runs every PADEL_MATCH_JOB_INTERVAL_SECONDS in every replica; on PostgreSQL the results are taken
with FOR UPDATE SKIP LOCKED, so two replicas never confirm the same one.
"""

import logging

from match_svc.service import Results
from mesh.db import Database
from mesh.jobs import PeriodicJob

log = logging.getLogger("padel.match.jobs")


class ResultJob(PeriodicJob):
    def __init__(self, database: Database, results: Results, interval_seconds: float):
        super().__init__("result-job", interval_seconds)
        self.database = database
        self.results = results

    def work(self) -> bool:
        confirmed = self.results.confirm_due(self.database)
        if confirmed:
            log.info("results confirmed automatically", extra={"confirmed": confirmed})
        return False
