"""auth_svc's background jobs: the revocation cache kept complete in Redis, and the sweep of tokens
that can no longer be used (so the tables hold live sessions and pending links, not every token
ever issued)."""

from datetime import datetime, timezone

from auth_svc.service import revocations
from mesh.db import Database
from mesh.jobs import PeriodicJob


class RevocationCacheJob(PeriodicJob):
    """Refills the revocation cache whenever Redis lost it (`Revocations.restore`)."""

    def __init__(self, database: Database, cache: revocations.Revocations, interval_seconds: float):
        super().__init__("revocation-cache", interval_seconds)
        self.database = database
        self.cache = cache

    def work(self) -> bool:
        self.cache.restore(self.database)
        return False


class TokenSweeper(PeriodicJob):
    def __init__(self, database: Database, interval_seconds: float = 3600.0):
        super().__init__("token-sweeper", interval_seconds)
        self.database = database

    def work(self) -> bool:
        revocations.sweep_expired(self.database, datetime.now(timezone.utc))
        return False
