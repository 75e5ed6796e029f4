"""Sessions: sign in with a password or a Google ID token, refresh (rotating the token pair; a
spent refresh token presented again revokes its whole family), sign out; and the sign-in history
they write.

Each sign-in starts a refresh family; every pair of it is recorded with its access token's id, so
ending the family also ends the access token issued with it. Every sign-in and refresh is written
to the account's history in the transaction that issues its tokens, a replayed refresh token in the
one that revokes its family, and a wrong password to an existing account in one of its own (tries
the throttle refused are not written: they cost a guesser nothing to repeat).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from auth_svc import domain, metrics, store
from auth_svc.domain import IssuedPair
from auth_svc.service.accounts import open_account
from auth_svc.service.credentials import Credentials
from auth_svc.service.revocations import Revocations
from auth_svc.tokens import TokenMint
from mesh.caller import PLAYER, Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from mesh.errors import Unauthenticated

BAD_CREDENTIALS = "wrong email or password"
BAD_REFRESH = "refresh token is invalid, expired or revoked; sign in again"


@dataclass(frozen=True)
class Sessions:
    """The session use cases; built once by server.py with the collaborators they share with
    `Accounts` (credentials, revocations) and the token mint."""

    credentials: Credentials
    mint: TokenMint
    revocations: Revocations
    clock: Callable[[], datetime] = utcnow

    def login(self, uow: UnitOfWork, email: str, password: str,
              client_address: str) -> tuple[store.Account, IssuedPair]:
        email = domain.normalize_email(email)
        with uow.session(read_only=True) as session:
            account = store.account_by_email(session, email)
        try:
            self.credentials.check_password(uow, email, password, client_address, account, BAD_CREDENTIALS)
        except Unauthenticated:
            if account is not None:
                with uow.session() as session:
                    self._record(session, account.id, domain.PASSWORD_SIGN_IN, domain.WRONG_PASSWORD, client_address)
            raise
        with uow.session() as session:
            account = store.account_by_id(session, account.id)
            if account is None:  # deleted between the password check and now
                raise Unauthenticated(BAD_CREDENTIALS)
            pair = self._issue(session, account, family_id=str(uuid.uuid4()))
            self._record(session, account.id, domain.PASSWORD_SIGN_IN, domain.SUCCEEDED, client_address)
        metrics.SESSIONS.labels("password").inc()
        return account, pair

    def _record(self, session: Session, user_id: str, method: str, outcome: str, client_address: str) -> None:
        store.record_sign_in(session, user_id, self.clock(), client_address, method, outcome)

    def _issue(self, session: Session, account: store.Account, family_id: str) -> IssuedPair:
        now = self.clock()
        pair = self.mint.pair(account.id, account.roles, now,
                              domain.issued_at(now, store.cut_off_of(session, account.id)))
        session.add(store.RefreshToken(
            id=str(uuid.uuid4()), token_hash=pair.refresh_hash, user_id=account.id, family_id=family_id,
            access_token_id=pair.access_token_id, access_expires_at=pair.access_expires_at,
            issued_at=now, expires_at=pair.refresh_expires_at))
        return pair

    def refresh(self, uow: UnitOfWork, refresh_token: str, client_address: str) -> IssuedPair:
        """Spends the token for a new pair (roles re-read, so role changes show up here)."""
        now = self.clock()
        with uow.session() as session:
            row = store.refresh_token_by_hash(session, domain.hash_secret(refresh_token))
            verdict = domain.RefreshVerdict.DEAD if row is None else domain.judge_refresh(
                row.spent_at, row.revoked_at, row.expires_at, now)
            account = store.account_by_id(session, row.user_id) if row is not None else None
            if verdict is domain.RefreshVerdict.USABLE and account is not None:
                row.spent_at = now
                self._record(session, account.id, domain.REFRESH_SIGN_IN, domain.SUCCEEDED, client_address)
                return self._issue(session, account, row.family_id)
            if verdict is domain.RefreshVerdict.REPLAYED:
                self.revocations.revoke_tokens(session, store.revoke_refresh_tokens(
                    session, now, family_id=row.family_id))
                if account is not None:
                    self._record(session, account.id, domain.REFRESH_SIGN_IN, domain.REFRESH_REPLAYED,
                                 client_address)
        # Committed above: the family stays revoked although this call fails.
        raise Unauthenticated(BAD_REFRESH)

    def logout(self, uow: UnitOfWork, caller: Caller, refresh_token: str) -> None:
        """Ends the caller's session: the access token presented and its refresh family (found from
        the refresh token given, else from the access token itself)."""
        now = self.clock()
        with uow.session() as session:
            row = None
            if refresh_token:
                row = store.refresh_token_by_hash(session, domain.hash_secret(refresh_token))
                if row is not None and not domain.may_end_session(caller, row.user_id):
                    row = None
            row = row or store.refresh_token_by_access_id(session, caller.token_id)
            live_access = store.revoke_refresh_tokens(session, now, family_id=row.family_id) if row else []
            self.revocations.revoke_tokens(session, [(caller.token_id, caller.expires_at), *live_access])

    def sign_in_with_google(self, uow: UnitOfWork, id_token: str,
                            client_address: str) -> tuple[store.Account, IssuedPair, bool]:
        """Signs in the account of this Google identity, linking it to the account of its email or
        opening one."""
        identity = self.credentials.google_identity(id_token)
        email = domain.normalize_email(identity.email)
        created = False
        with uow.session() as session:
            account = store.account_by_google_subject(session, identity.subject) or \
                store.account_by_email(session, email)
            if account is None:
                account = open_account(session, self.clock(), email, identity.given_name, identity.family_name, "",
                                       {PLAYER}, google_subject=identity.subject, email_verified=True)
                created = True
            elif account.google_subject is None:
                if not account.email_verified:
                    # Whoever registered this address never proved they own it: their password
                    # and sessions must not survive the real owner signing in.
                    account.password_hash = None
                    store.revoke_refresh_tokens(session, self.clock(), user_id=account.id)
                    self.revocations.cut_off(session, account.id)
                account.google_subject = identity.subject
                account.email_verified = True
            elif account.google_subject != identity.subject:
                raise Unauthenticated("this email is linked to another Google account")
            pair = self._issue(session, account, family_id=str(uuid.uuid4()))
            self._record(session, account.id, domain.GOOGLE_SIGN_IN, domain.SUCCEEDED, client_address)
        if created:
            metrics.REGISTERED.labels("google").inc()
        metrics.SESSIONS.labels("google").inc()
        return account, pair, created


def prune_sign_ins(uow: UnitOfWork, now: datetime) -> int:
    """Deletes sign-ins past the history's retention (domain.SIGN_IN_RETENTION, at most
    domain.MAX_SIGN_INS_PER_ACCOUNT per account); returns how many went."""
    with uow.session() as session:
        return store.prune_sign_ins(session, now - domain.SIGN_IN_RETENTION, domain.MAX_SIGN_INS_PER_ACCOUNT)
