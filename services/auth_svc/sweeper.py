"""A background job that deletes refresh and one-time tokens that can no longer be used, so the
tables hold live sessions and pending links rather than every token ever issued."""

from datetime import datetime, timedelta, timezone

from auth_svc import store
from mesh.db import Database
from mesh.jobs import PeriodicJob

# Expired rows are kept a day: a replayed token shortly after expiry is still recognised as such.
KEEP_EXPIRED = timedelta(days=1)


class TokenSweeper(PeriodicJob):
    def __init__(self, database: Database, interval_seconds: float = 3600.0):
        super().__init__("token-sweeper", interval_seconds)
        self.database = database

    def sweep(self, now: datetime | None = None) -> int:
        """Deletes what expired more than a day before `now`; returns how many rows went."""
        before = (now or datetime.now(timezone.utc)) - KEEP_EXPIRED
        with self.database.session() as session:
            return store.delete_expired_tokens(session, before)

    def work(self) -> bool:
        self.sweep()
        return False
