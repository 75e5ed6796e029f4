"""Revocations: what ends access tokens before they expire (a token id, or a per-account cut-off),
recorded in the transaction of the change that causes them and cached in Redis once it commits, so
every service's token check refuses them; and the sweep of tokens past all use.

Redis holds the revocations every service checks; auth's database holds the truth. When Redis lost
its data, `restore` refills the cache from the database (`mesh.tokens.RevocationList.refill`); until
then every service refuses tokens with UNAVAILABLE rather than accept a revoked one. A cache write
that failed (Redis unreachable for a moment) marks the cache incomplete at the next `restore`, so it
is refilled rather than left missing that revocation.
"""

import logging
import threading
from datetime import datetime
from typing import Callable

import redis
from sqlalchemy.orm import Session

from auth_svc import domain, store
from mesh.clock import utcnow
from mesh.db import UnitOfWork, after_commit
from mesh.tokens import RevocationList

log = logging.getLogger("padel.auth.revocations")


class Revocations:
    def __init__(self, cache: RevocationList, access_seconds: int, clock: Callable[[], datetime] = utcnow):
        self.cache = cache
        self.access_seconds = access_seconds
        self.clock = clock
        self._incomplete = threading.Event()

    def revoke_tokens(self, session: Session, tokens: list[tuple[str, datetime]]) -> None:
        """Refuses these access tokens (id, expiry) once `session`'s transaction commits."""
        store.record_revoked_tokens(session, tokens)
        # After the commit, never before: a rolled-back change revokes nothing. When the Redis
        # write fails, `_cache` leaves the revocation to the next `restore`; the change stands.
        after_commit(session, lambda: self._cache(tokens, []))

    def cut_off(self, session: Session, user_id: str) -> datetime:
        """Voids every access token of the account issued so far, once `session`'s transaction
        commits; returns the cut-off."""
        cut_off = domain.next_cut_off(self.clock(), store.cut_off_of(session, user_id))
        expires_at = domain.cut_off_expiry(cut_off, self.access_seconds)
        store.raise_cut_off(session, user_id, cut_off, expires_at)
        after_commit(session, lambda: self._cache([], [(user_id, cut_off, expires_at)]))
        return cut_off

    def _cache(self, tokens: list[tuple[str, datetime]], cut_offs: list[tuple[str, datetime, datetime]]) -> None:
        """Caches revocations already committed. Redis failing does not fail the caller: the
        database has them, and the next `restore` refills the cache."""
        try:
            for token_id, expires_at in tokens:
                self.cache.revoke_token(token_id, expires_at)
            for user_id, cut_off, expires_at in cut_offs:
                self.cache.cut_off(user_id, domain.second(cut_off), expires_at)
        except redis.RedisError as error:
            log.warning("revocation not cached, the cache will be refilled: %s", type(error).__name__)
            self._incomplete.set()

    def restore(self, uow: UnitOfWork) -> bool:
        """Refills the cache from the database if Redis lost it or missed a write; returns whether
        it did."""
        if self._incomplete.is_set():
            self.cache.forget()
            self._incomplete.clear()
        if not self.cache.refill(lambda: self._live(uow)):
            return False
        log.info("revocation cache refilled from the database")
        return True

    def _live(self, uow: UnitOfWork):
        with uow.session(read_only=True) as session:
            tokens, cut_offs = store.live_revocations(session, self.clock())
        return tokens, [(user_id, domain.second(cut_off), expires_at) for user_id, cut_off, expires_at in cut_offs]


def sweep_expired(uow: UnitOfWork, now: datetime) -> int:
    """Deletes the tokens, revocations and cut-offs that expired more than `domain.KEEP_EXPIRED`
    before `now`; returns how many rows went."""
    with uow.session() as session:
        return store.delete_expired_tokens(session, now - domain.KEEP_EXPIRED)
