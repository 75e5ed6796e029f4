"""The proofs of who someone is, for signing in and for confirming an account's deletion: a
password checked against its bcrypt hash, throttled per account and client address; or an ID
token from Google.

bcrypt runs outside any transaction: on SQLite a transaction holds the write lock, and a password
check must not stall every other writer.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from auth_svc import domain, events, metrics, store
from auth_svc.google import GoogleIdentity, GoogleVerifier
from auth_svc.passwords import PasswordHasher
from auth_svc.throttle import LoginThrottle
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from mesh.errors import ResourceExhausted, Unauthenticated, Unavailable

log = logging.getLogger("padel.auth")


@dataclass(frozen=True)
class Credentials:
    """Checks passwords (bcrypt, throttled in Redis) and Google ID tokens; built once by server.py."""

    hasher: PasswordHasher
    throttle: LoginThrottle
    google: GoogleVerifier
    clock: Callable[[], datetime] = utcnow

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def check_password(self, uow: UnitOfWork, email: str, password: str, client_address: str,
                       account: store.Account | None, refusal: str) -> None:
        """A password proof, throttled per account and client address. An unknown email and a
        wrong password: the same error (`refusal`) after the same bcrypt work. A burst of failures
        tells the account holder (SignInFailuresDetected)."""
        try:
            self.throttle.check(email, client_address)
        except ResourceExhausted:
            metrics.LOGIN_FAILURES.labels("throttled").inc()
            raise
        if not self.hasher.verify(password, account.password_hash if account else None):
            burst = self.throttle.failed(email, client_address)
            metrics.LOGIN_FAILURES.labels("bad_credentials").inc()
            if burst is not None and account is not None:
                with uow.session() as session:
                    events.sign_in_failures_detected(session, account, burst)
            raise Unauthenticated(refusal)
        self.throttle.succeeded(email, client_address)

    def forgive(self, email: str, client_address: str) -> None:
        """After a password reset: the owner proved themselves through their mailbox, so failed
        sign-ins slow the account down nowhere any more."""
        try:
            self.throttle.cleared(email, client_address)
        except Unavailable:  # the reset stands; the old delays run out by themselves
            log.warning("sign-in throttle not cleared after a password reset: Redis unreachable")

    def google_identity(self, id_token: str) -> GoogleIdentity:
        return self.google.verify(id_token)

    def check_recent_google(self, account: store.Account, id_token: str) -> None:
        """A Google sign-in of this account from moments ago (see domain.check_google_confirmation)."""
        identity = self.google.verify(id_token)
        domain.check_google_confirmation(identity.subject, identity.issued_at, account.google_subject, self.clock())
