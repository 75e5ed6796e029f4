"""auth_svc's background jobs: the revocation cache kept complete in Redis, and the sweep of tokens
that can no longer be used (so the tables hold live sessions and pending links, not every token
ever issued) and of sign-ins past the history's retention."""

from auth_svc.service import revocations, sessions
from mesh.clock import utcnow
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
    """Hourly: expired tokens and revocations (`revocations.sweep_expired`) and old sign-ins
    (`sessions.prune_sign_ins`)."""

    def __init__(self, database: Database, interval_seconds: float = 3600.0):
        super().__init__("token-sweeper", interval_seconds)
        self.database = database

    def work(self) -> bool:
        now = utcnow()  # the machine's time, as tokens' (auth_svc.service)
        revocations.sweep_expired(self.database, now)
        sessions.prune_sign_ins(self.database, now)
        return False
