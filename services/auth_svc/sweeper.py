"""A background job that deletes refresh and one-time tokens that can no longer be used, so the
tables hold live sessions and pending links rather than every token ever issued."""

import logging
import threading
from datetime import datetime, timedelta, timezone

from auth_svc import store
from mesh.db import Database
from mesh.errors import Unavailable

log = logging.getLogger("padel.auth.sweeper")
# Expired rows are kept a day: a replayed token shortly after expiry is still recognised as such.
KEEP_EXPIRED = timedelta(days=1)


class TokenSweeper:
    def __init__(self, database: Database, interval_seconds: float = 3600.0):
        self.database = database
        self.interval_seconds = interval_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sweep(self, now: datetime | None = None) -> int:
        """Deletes what expired more than a day before `now`; returns how many rows went."""
        before = (now or datetime.now(timezone.utc)) - KEEP_EXPIRED
        with self.database.session() as session:
            return store.delete_expired_tokens(session, before)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            try:
                self.sweep()
            except Unavailable:
                log.warning("token sweep skipped: database unavailable")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="token-sweeper", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
