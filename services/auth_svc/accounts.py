"""The use cases of auth_svc, each one or two short transactions: register, sign in (password or
Google), refresh, sign out, verify the email, reset the password, change roles, the first admin,
delete an account.

bcrypt runs outside any transaction: on SQLite a transaction holds the write lock, and a
password check must not stall every other writer.

Revocations (tokens and per-user cut-offs) are recorded in the transaction of the change that
causes them and cached in Redis once it commits (`RevocationCache.write`).
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

import sqlalchemy.exc

from auth_svc import domain, events, metrics, store
from auth_svc.google import GoogleVerifier
from auth_svc.passwords import PasswordHasher, common_passwords
from auth_svc.sweeper import RevocationCache
from auth_svc.throttle import LoginThrottle
from auth_svc.domain import IssuedPair
from auth_svc.tokens import TokenMint
from mesh.caller import ADMIN, PLAYER, Caller
from mesh.db import Database
from mesh.errors import InvalidArgument, NotFound, ResourceExhausted, Unauthenticated, Unavailable

WRONG_PASSWORD = "wrong password"
log = logging.getLogger("padel.auth")

BAD_CREDENTIALS = "wrong email or password"
BAD_REFRESH = "refresh token is invalid, expired or revoked; sign in again"


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Lifetimes:
    verification_seconds: int
    reset_seconds: int


@dataclass
class Revoked:
    """What one transaction revoked, to be cached once it commits."""

    tokens: list[tuple[str, datetime]] = field(default_factory=list)
    cut_offs: list[tuple[str, datetime, datetime]] = field(default_factory=list)


class Accounts:
    def __init__(self, database: Database, hasher: PasswordHasher, mint: TokenMint, throttle: LoginThrottle,
                 revocations: RevocationCache, google: GoogleVerifier, lifetimes: Lifetimes,
                 erasure_pepper: bytes, clock: Callable[[], datetime] = _now):
        self.db = database
        self.hasher = hasher
        self.mint = mint
        self.throttle = throttle
        self.revocations = revocations
        self.google = google
        self.lifetimes = lifetimes
        self.erasure_pepper = erasure_pepper
        self.clock = clock

    # -- revocations -------------------------------------------------------------------------

    def _revoke_tokens(self, session, revoked: Revoked, tokens: list[tuple[str, datetime]]) -> None:
        store.record_revoked_tokens(session, tokens)
        revoked.tokens.extend(tokens)

    def _cut_off(self, session, revoked: Revoked, user_id: str) -> datetime:
        """Voids every access token of the account issued so far; returns the cut-off."""
        cut_off = domain.next_cut_off(self.clock(), store.cut_off_of(session, user_id))
        expires_at = domain.cut_off_expiry(cut_off, self.mint.access_seconds)
        store.raise_cut_off(session, user_id, cut_off, expires_at)
        revoked.cut_offs.append((user_id, cut_off, expires_at))
        return cut_off

    def _cache(self, revoked: Revoked) -> None:
        """After the commit: the revocations reach every service's check."""
        self.revocations.write(revoked.tokens, revoked.cut_offs)

    # -- accounts ----------------------------------------------------------------------------

    def register(self, email: str, password: str, first_name: str, last_name: str, phone: str,
                 role: str) -> store.Account:
        """Creates the account and asks for a verification email. An email that has an account
        already is answered exactly alike (a new-looking account after the same bcrypt work), so
        Register tells nobody who has an account; the holder is emailed instead
        (RegistrationAttempted), and the existing account is left as it is."""
        email = domain.normalize_email(email)
        if role not in domain.SELF_SERVICE_ROLES:
            raise InvalidArgument.field("role", "must be player or venue_owner")
        domain.check_password(password, email, "password", common_passwords())
        password_hash = self.hasher.hash(password)
        now = self.clock()
        try:
            with self.db.session() as session:
                existing = store.account_by_email(session, email)
                if existing is not None:
                    if domain.registration_notice_due(existing.registration_notice_at, now):
                        existing.registration_notice_at = now
                        events.registration_attempted(session, existing, now)
                    return self._look_alike(email, first_name, last_name, phone, {PLAYER, role}, now)
                account = self._create(session, email, first_name, last_name, phone, {PLAYER, role},
                                       password_hash=password_hash)
                self._request_verification(session, account)
        except sqlalchemy.exc.IntegrityError:  # a concurrent registration of the same email won
            return self._look_alike(email, first_name, last_name, phone, {PLAYER, role}, now)
        metrics.REGISTERED.labels("password").inc()
        return account

    @staticmethod
    def _look_alike(email: str, first_name: str, last_name: str, phone: str, roles, now: datetime) -> store.Account:
        """What Register answers for an email that has an account: what it would answer for a new
        one. Never stored; its id belongs to no account."""
        account = store.Account(id=str(uuid.uuid4()), email=email, first_name=first_name, last_name=last_name,
                                phone=phone, email_verified=False, created_at=now)
        for role in roles:
            account.grant(role)
        return account

    def _create(self, session, email: str, first_name: str, last_name: str, phone: str, roles,
                *, password_hash: str | None = None, google_subject: str | None = None,
                email_verified: bool = False) -> store.Account:
        account = store.Account(id=str(uuid.uuid4()), email=email, password_hash=password_hash,
                                first_name=first_name, last_name=last_name, phone=phone,
                                email_verified=email_verified, google_subject=google_subject, created_at=self.clock())
        for role in roles:
            account.grant(role)
        session.add(account)
        session.flush()  # the unique email is checked here, inside the transaction
        events.user_registered(session, account)
        return account

    def _request_verification(self, session, account: store.Account) -> None:
        token, expires_at = self._one_time_token(session, account, domain.VERIFY_EMAIL,
                                                 self.lifetimes.verification_seconds)
        events.email_verification_requested(session, account, token, expires_at)

    def _one_time_token(self, session, account: store.Account, purpose: str, seconds: int) -> tuple[str, datetime]:
        token, now = domain.new_secret(), self.clock()
        expires_at = now + timedelta(seconds=seconds)
        session.add(store.OneTimeToken(token_hash=domain.hash_secret(token), user_id=account.id, purpose=purpose,
                                       created_at=now, expires_at=expires_at))
        return token, expires_at

    def me(self, caller: Caller) -> store.Account:
        with self.db.session() as session:
            account = store.account_by_id(session, caller.user_id)
        if account is None:
            raise NotFound("account not found")
        return account

    def delete_account(self, caller: Caller, password: str | None, google_id_token: str | None,
                       client_address: str) -> datetime:
        """Ends the caller's account for good, once they prove again who they are (their password,
        throttled like a sign-in, or a fresh Google sign-in): in one transaction every session and
        access token is revoked, credentials and personal data are erased (store.erase_account keeps
        only the pseudonymised record) and AccountDeleted tells every service to erase theirs."""
        account = self.me(caller)
        domain.check_deletion(account.roles)
        if google_id_token is not None:
            identity = self.google.verify(google_id_token)
            domain.check_google_confirmation(identity.subject, identity.issued_at, account.google_subject, self.clock())
        else:
            self._check_password(account.email, password, client_address, account, WRONG_PASSWORD)
        now, revoked = self.clock(), Revoked()
        with self.db.session() as session:
            account = store.account_by_id_for_update(session, caller.user_id)
            if account is None:  # deleted by a concurrent call
                raise NotFound("account not found")
            domain.check_deletion(account.roles)
            self._cut_off(session, revoked, account.id)
            store.erase_account(session, account, domain.pseudonymise_email(account.email, self.erasure_pepper), now)
            events.account_deleted(session, account.id, now)
        self._cache(revoked)
        return now

    def ensure_admin(self, email: str, password: str) -> None:
        """The first admin from configuration: created, or promoted if the account exists; run at
        every start, so it is idempotent. An existing account keeps its password."""
        email = domain.normalize_email(email)
        try:
            domain.check_password(password, email, "PADEL_AUTH_ADMIN_PASSWORD", common_passwords())
        except InvalidArgument as exc:
            raise SystemExit(exc.message) from None
        password_hash = self.hasher.hash(password)
        for _attempt in range(2):  # a replica starting at the same moment may create it first
            revoked = Revoked()
            try:
                with self.db.session() as session:
                    account = store.account_by_email(session, email)
                    if account is None:
                        self._create(session, email, "Admin", "Padel", "", {PLAYER, ADMIN},
                                     password_hash=password_hash, email_verified=True)
                    elif ADMIN not in account.roles:
                        account.grant(ADMIN)
                        self._roles_changed(session, revoked, account, changed_by="configuration")
                self._cache(revoked)
                return
            except sqlalchemy.exc.IntegrityError:
                continue

    # -- sessions ----------------------------------------------------------------------------

    def login(self, email: str, password: str, client_address: str) -> tuple[store.Account, IssuedPair]:
        email = domain.normalize_email(email)
        with self.db.session() as session:
            account = store.account_by_email(session, email)
        self._check_password(email, password, client_address, account, BAD_CREDENTIALS)
        signed_in = self._sign_in(account.id)
        metrics.SESSIONS.labels("password").inc()
        return signed_in

    def _check_password(self, email: str, password: str, client_address: str, account: store.Account | None,
                        refusal: str) -> None:
        """A password proof, throttled per account and client address. An unknown email and a
        wrong password: the same error after the same bcrypt work."""
        try:
            self.throttle.check(email, client_address)
        except ResourceExhausted:
            metrics.LOGIN_FAILURES.labels("throttled").inc()
            raise
        if not self.hasher.verify(password, account.password_hash if account else None):
            burst = self.throttle.failed(email, client_address)
            metrics.LOGIN_FAILURES.labels("bad_credentials").inc()
            if burst is not None and account is not None:
                with self.db.session() as session:
                    events.sign_in_failures_detected(session, account, burst)
            raise Unauthenticated(refusal)
        self.throttle.succeeded(email, client_address)

    def _sign_in(self, user_id: str) -> tuple[store.Account, IssuedPair]:
        """A new session: a token pair starting a new refresh family."""
        with self.db.session() as session:
            account = store.account_by_id(session, user_id)
            if account is None:  # deleted between the password check and now
                raise Unauthenticated(BAD_CREDENTIALS)
            pair = self._issue(session, account, family_id=str(uuid.uuid4()))
        return account, pair

    def _issue(self, session, account: store.Account, family_id: str) -> IssuedPair:
        now = self.clock()
        pair = self.mint.pair(account.id, account.roles, now,
                              domain.issued_at(now, store.cut_off_of(session, account.id)))
        session.add(store.RefreshToken(
            id=str(uuid.uuid4()), token_hash=pair.refresh_hash, user_id=account.id, family_id=family_id,
            access_token_id=pair.access_token_id, access_expires_at=pair.access_expires_at,
            issued_at=now, expires_at=pair.refresh_expires_at))
        return pair

    def refresh(self, refresh_token: str) -> IssuedPair:
        """Spends the token for a new pair (roles re-read, so role changes show up here)."""
        now, revoked = self.clock(), Revoked()
        with self.db.session() as session:
            row = store.refresh_token_by_hash(session, domain.hash_secret(refresh_token))
            verdict = domain.RefreshVerdict.DEAD if row is None else domain.judge_refresh(
                row.spent_at, row.revoked_at, row.expires_at, now)
            account = store.account_by_id(session, row.user_id) if row is not None else None
            if verdict is domain.RefreshVerdict.USABLE and account is not None:
                row.spent_at = now
                return self._issue(session, account, row.family_id)
            if verdict is domain.RefreshVerdict.REPLAYED:
                self._revoke_tokens(session, revoked, store.revoke_refresh_tokens(
                    session, now, family_id=row.family_id))
        # Committed above: the family stays revoked although this call fails.
        self._cache(revoked)
        raise Unauthenticated(BAD_REFRESH)

    def logout(self, caller: Caller, refresh_token: str) -> None:
        """Ends the caller's session: the access token presented and its refresh family (found from
        the refresh token given, else from the access token itself)."""
        now, revoked = self.clock(), Revoked()
        with self.db.session() as session:
            row = None
            if refresh_token:
                row = store.refresh_token_by_hash(session, domain.hash_secret(refresh_token))
                if row is not None and not domain.may_end_session(caller, row.user_id):
                    row = None
            row = row or store.refresh_token_by_access_id(session, caller.token_id)
            live_access = store.revoke_refresh_tokens(session, now, family_id=row.family_id) if row else []
            self._revoke_tokens(session, revoked, [(caller.token_id, caller.expires_at), *live_access])
        self._cache(revoked)

    def sign_in_with_google(self, id_token: str) -> tuple[store.Account, IssuedPair, bool]:
        identity = self.google.verify(id_token)
        email = domain.normalize_email(identity.email)
        created, revoked = False, Revoked()
        with self.db.session() as session:
            account = store.account_by_google_subject(session, identity.subject) or \
                store.account_by_email(session, email)
            if account is None:
                account = self._create(session, email, identity.given_name, identity.family_name, "", {PLAYER},
                                       google_subject=identity.subject, email_verified=True)
                created = True
            elif account.google_subject is None:
                if not account.email_verified:
                    # Whoever registered this address never proved they own it: their password
                    # and sessions must not survive the real owner signing in.
                    account.password_hash = None
                    store.revoke_refresh_tokens(session, self.clock(), user_id=account.id)
                    self._cut_off(session, revoked, account.id)
                account.google_subject = identity.subject
                account.email_verified = True
            elif account.google_subject != identity.subject:
                raise Unauthenticated("this email is linked to another Google account")
            pair = self._issue(session, account, family_id=str(uuid.uuid4()))
        self._cache(revoked)
        if created:
            metrics.REGISTERED.labels("google").inc()
        metrics.SESSIONS.labels("google").inc()
        return account, pair, created

    # -- one-time tokens ---------------------------------------------------------------------

    def _spend_one_time_token(self, session, token: str, purpose: str, now: datetime) -> store.Account:
        row = store.one_time_token_by_hash(session, domain.hash_secret(token))
        if row is None or row.purpose != purpose or not domain.one_time_token_usable(row.used_at, row.expires_at, now):
            raise InvalidArgument.field("token", "invalid, expired or already used")
        row.used_at = now
        return store.account_by_id(session, row.user_id)

    def verify_email(self, token: str) -> store.Account:
        with self.db.session() as session:
            account = self._spend_one_time_token(session, token, domain.VERIFY_EMAIL, self.clock())
            account.email_verified = True
        return account

    def forgot_password(self, email: str) -> None:
        """Sends a reset link if the account exists; the caller learns nothing either way."""
        with self.db.session() as session:
            account = store.account_by_email(session, domain.normalize_email(email))
            if account is None or store.count_one_time_tokens_since(
                    session, account.id, domain.RESET_PASSWORD, self.clock() - timedelta(hours=1)
            ) >= domain.MAX_RESET_EMAILS_PER_HOUR:
                return
            token, expires_at = self._one_time_token(session, account, domain.RESET_PASSWORD,
                                                     self.lifetimes.reset_seconds)
            events.password_reset_requested(session, account, token, expires_at)

    def reset_password(self, token: str, new_password: str, client_address: str) -> None:
        """Sets the password and signs the account out everywhere (refresh families and every
        access token issued so far). The owner proved themselves through their mailbox, so failed
        sign-ins slow the account down nowhere any more."""
        password_hash = self.hasher.hash(new_password)
        now, revoked = self.clock(), Revoked()
        with self.db.session() as session:
            account = self._spend_one_time_token(session, token, domain.RESET_PASSWORD, now)
            domain.check_password(new_password, account.email, "new_password", common_passwords())
            account.password_hash = password_hash
            account.email_verified = True  # the reset link reached the mailbox
            store.use_up_one_time_tokens(session, account.id, domain.RESET_PASSWORD, now)
            store.revoke_refresh_tokens(session, now, user_id=account.id)
            self._cut_off(session, revoked, account.id)
            events.password_changed(session, account, now)
        self._cache(revoked)
        try:
            self.throttle.cleared(account.email, client_address)
        except Unavailable:  # the reset stands; the old delays run out by themselves
            log.warning("sign-in throttle not cleared after a password reset: Redis unreachable")

    # -- roles -------------------------------------------------------------------------------

    def _roles_changed(self, session, revoked: Revoked, account: store.Account, changed_by: str) -> None:
        """Tokens carry roles, so the account's tokens issued so far stop working: its next call
        gets 401, the client refreshes, and the new token carries the new roles."""
        session.flush()
        self._cut_off(session, revoked, account.id)
        events.roles_changed(session, account, changed_by=changed_by)

    def change_role(self, caller: Caller, user_id: str, role: str, granting: bool) -> store.Account:
        """Takes effect at once: the account's access tokens are cut off, and the refresh that
        follows issues one with the new roles (its sessions stay signed in)."""
        domain.check_may_change_role(caller, user_id, role, granting)
        revoked = Revoked()
        with self.db.session() as session:
            account = store.account_by_id(session, user_id)
            if account is None:
                raise NotFound("no account with this user_id")
            if (role in account.roles) != granting:
                if granting:
                    account.grant(role)
                else:
                    account.revoke(role)
                self._roles_changed(session, revoked, account, changed_by=caller.user_id)
        self._cache(revoked)
        return account
