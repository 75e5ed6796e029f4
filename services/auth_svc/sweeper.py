"""auth_svc's background jobs: the revocation cache kept complete in Redis, and the sweep of tokens
that can no longer be used (so the tables hold live sessions and pending links, not every token
ever issued)."""

import logging
import threading
from datetime import datetime, timedelta, timezone

import redis

from auth_svc import domain, store
from mesh.db import Database
from mesh.jobs import PeriodicJob
from mesh.tokens import RevocationList

log = logging.getLogger("padel.auth.revocations")

# Expired rows are kept a day: a replayed token shortly after expiry is still recognised as such.
KEEP_EXPIRED = timedelta(days=1)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class TokenSweeper(PeriodicJob):
    def __init__(self, database: Database, interval_seconds: float = 3600.0):
        super().__init__("token-sweeper", interval_seconds)
        self.database = database

    def sweep(self, now: datetime | None = None) -> int:
        """Deletes what expired more than a day before `now`; returns how many rows went."""
        before = (now or _now()) - KEEP_EXPIRED
        with self.database.session() as session:
            return store.delete_expired_tokens(session, before)

    def work(self) -> bool:
        self.sweep()
        return False


class RevocationCache(PeriodicJob):
    """Redis holds the revocations every service checks; auth's database holds the truth.

    A use case records its revocations in its own transaction and, once committed, writes them to
    Redis (`write`). Each pass of this job looks for the cache's sentinel and, when Redis lost its
    data, refills the cache from the database (`mesh.tokens.RevocationList.refill`); until then
    every service refuses tokens with UNAVAILABLE rather than accept a revoked one. A write that
    failed (Redis unreachable for a moment) marks the cache incomplete at the next pass, so it is
    refilled rather than left missing that revocation."""

    def __init__(self, database: Database, revocations: RevocationList, interval_seconds: float):
        super().__init__("revocation-cache", interval_seconds)
        self.database = database
        self.revocations = revocations
        self._incomplete = threading.Event()

    def write(self, tokens: list[tuple[str, datetime]], cut_offs: list[tuple[str, datetime, datetime]]) -> None:
        """Caches revocations already committed: token ids (id, expiry) and cut-offs (user id,
        cut-off, expiry). Redis failing does not fail the caller: the database has them, and the
        next pass refills the cache."""
        try:
            for token_id, expires_at in tokens:
                self.revocations.revoke_token(token_id, expires_at)
            for user_id, cut_off, expires_at in cut_offs:
                self.revocations.cut_off(user_id, domain.second(cut_off), expires_at)
        except redis.RedisError as error:
            log.warning("revocation not cached, the cache will be refilled: %s", type(error).__name__)
            self._incomplete.set()

    def work(self) -> bool:
        if self._incomplete.is_set():
            self.revocations.forget()
            self._incomplete.clear()
        if self.revocations.refill(self._snapshot):
            log.info("revocation cache refilled from the database")
        return False

    def _snapshot(self):
        with self.database.session() as session:
            tokens, cut_offs = store.live_revocations(session, _now())
        return tokens, [(user_id, domain.second(cut_off), expires_at) for user_id, cut_off, expires_at in cut_offs]
