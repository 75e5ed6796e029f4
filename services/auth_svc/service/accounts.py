"""Accounts: register, read one's own, export what auth keeps about it, verify the email, reset the
password, change roles, the first admin and the demo venue owner from configuration, delete an
account.

Revocations a change causes (password reset, role change, deletion) are recorded in its
transaction and cached once it commits (`Revocations`).
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy.exc
from sqlalchemy.orm import Session

from auth_svc import domain, events, metrics, store
from auth_svc.passwords import common_passwords
from auth_svc.service.credentials import Credentials
from auth_svc.service.revocations import Revocations
from mesh.caller import ADMIN, PLAYER, VENUE_OWNER, Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from mesh.errors import InvalidArgument, NotFound
from mesh.settings import DEMO_OWNER_ID

WRONG_PASSWORD = "wrong password"


@dataclass(frozen=True)
class Lifetimes:
    verification_seconds: int
    reset_seconds: int


def open_account(session: Session, now: datetime, email: str, first_name: str, last_name: str, phone: str, roles,
                 *, password_hash: str | None = None, google_subject: str | None = None,
                 email_verified: bool = False, user_id: str | None = None) -> store.Account:
    """A new account (a random id unless given), announced (UserRegistered) in the same transaction."""
    account = store.Account(id=user_id or str(uuid.uuid4()), email=email, password_hash=password_hash,
                            first_name=first_name, last_name=last_name, phone=phone,
                            email_verified=email_verified, google_subject=google_subject, created_at=now)
    for role in roles:
        account.grant(role)
    session.add(account)
    session.flush()  # the unique email is checked here, inside the transaction
    events.user_registered(session, account)
    return account


def _look_alike(email: str, first_name: str, last_name: str, phone: str, roles, now: datetime) -> store.Account:
    """What Register answers for an email that has an account: what it would answer for a new
    one. Never stored; its id belongs to no account."""
    account = store.Account(id=str(uuid.uuid4()), email=email, first_name=first_name, last_name=last_name,
                            phone=phone, email_verified=False, created_at=now)
    for role in roles:
        account.grant(role)
    return account


@dataclass(frozen=True)
class Accounts:
    """The account use cases; built once by server.py."""

    credentials: Credentials
    revocations: Revocations
    lifetimes: Lifetimes
    erasure_pepper: bytes = field(repr=False)  # a secret: never in a repr or log
    clock: Callable[[], datetime] = utcnow

    def register(self, uow: UnitOfWork, email: str, password: str, first_name: str, last_name: str, phone: str,
                 role: str) -> store.Account:
        """Creates the account and asks for a verification email. An email that has an account
        already is answered exactly alike (a new-looking account after the same bcrypt work), so
        Register tells nobody who has an account; the holder is emailed instead
        (RegistrationAttempted), and the existing account is left as it is."""
        email = domain.normalize_email(email)
        if role not in domain.SELF_SERVICE_ROLES:
            raise InvalidArgument.field("role", "must be player or venue_owner")
        domain.check_password(password, email, "password", common_passwords())
        password_hash = self.credentials.hash(password)
        now = self.clock()
        try:
            with uow.session() as session:
                existing = store.account_by_email(session, email)
                if existing is not None:
                    if domain.registration_notice_due(existing.registration_notice_at, now):
                        existing.registration_notice_at = now
                        events.registration_attempted(session, existing, now)
                    return _look_alike(email, first_name, last_name, phone, {PLAYER, role}, now)
                account = open_account(session, now, email, first_name, last_name, phone, {PLAYER, role},
                                       password_hash=password_hash)
                self._request_verification(session, account)
        except sqlalchemy.exc.IntegrityError:  # a concurrent registration of the same email won
            return _look_alike(email, first_name, last_name, phone, {PLAYER, role}, now)
        metrics.REGISTERED.labels("password").inc()
        return account

    def _request_verification(self, session: Session, account: store.Account) -> None:
        token, expires_at = self._one_time_token(session, account, domain.VERIFY_EMAIL,
                                                 self.lifetimes.verification_seconds)
        events.email_verification_requested(session, account, token, expires_at)

    def _one_time_token(self, session: Session, account: store.Account, purpose: str,
                        seconds: int) -> tuple[str, datetime]:
        token, now = domain.new_secret(), self.clock()
        expires_at = now + timedelta(seconds=seconds)
        session.add(store.OneTimeToken(token_hash=domain.hash_secret(token), user_id=account.id, purpose=purpose,
                                       created_at=now, expires_at=expires_at))
        return token, expires_at

    def me(self, uow: UnitOfWork, caller: Caller) -> store.Account:
        with uow.session(read_only=True) as session:
            account = store.account_by_id(session, caller.user_id)
        if account is None:
            raise NotFound("account not found")
        return account

    def export(self, uow: UnitOfWork, caller: Caller) -> tuple[store.Account, list[store.SignIn], datetime]:
        """Everything auth keeps about the caller: the account and its sign-in history (newest
        first), with the time of the export."""
        exported_at = self.clock()
        with uow.session(read_only=True) as session:
            account = store.account_by_id(session, caller.user_id)
            if account is None:
                raise NotFound("account not found")
            return account, store.sign_ins_of(session, account.id), exported_at

    def delete_account(self, uow: UnitOfWork, caller: Caller, password: str | None, google_id_token: str | None,
                       client_address: str) -> datetime:
        """Ends the caller's account for good, once they prove again who they are (their password,
        throttled like a sign-in, or a fresh Google sign-in): in one transaction every session and
        access token is revoked, credentials and personal data are erased (store.erase_account keeps
        only the pseudonymised record) and AccountDeleted tells every service to erase theirs."""
        account = self.me(uow, caller)
        domain.check_deletion(account.roles)
        if google_id_token is not None:
            self.credentials.check_recent_google(account, google_id_token)
        else:
            self.credentials.check_password(uow, account.email, password, client_address, account, WRONG_PASSWORD)
        now = self.clock()
        with uow.session() as session:
            account = store.account_by_id_for_update(session, caller.user_id)
            if account is None:  # deleted by a concurrent call
                raise NotFound("account not found")
            domain.check_deletion(account.roles)
            self.revocations.cut_off(session, account.id)
            store.erase_account(session, account, domain.pseudonymise_email(account.email, self.erasure_pepper), now)
            events.account_deleted(session, account.id, now)
        return now

    def _configured(self, email: str, password: str, variable: str) -> tuple[str, str]:
        """An account from configuration: its stored email and password hash. A password too weak
        to accept stops the start, naming the `variable` it came from."""
        email = domain.normalize_email(email)
        try:
            domain.check_password(password, email, variable, common_passwords())
        except InvalidArgument as exc:
            raise SystemExit(exc.message) from None
        return email, self.credentials.hash(password)

    def ensure_admin(self, uow: UnitOfWork, email: str, password: str) -> None:
        """The first admin from configuration: created, or promoted if the account exists; run at
        every start, so it is idempotent. An existing account keeps its password."""
        email, password_hash = self._configured(email, password, "PADEL_AUTH_ADMIN_PASSWORD")
        for _attempt in range(2):  # a replica starting at the same moment may create it first
            try:
                with uow.session() as session:
                    account = store.account_by_email(session, email)
                    if account is None:
                        open_account(session, self.clock(), email, "Admin", "Padel", "", {PLAYER, ADMIN},
                                     password_hash=password_hash, email_verified=True)
                    elif ADMIN not in account.roles:
                        account.grant(ADMIN)
                        self._roles_changed(session, account, changed_by="configuration")
                return
            except sqlalchemy.exc.IntegrityError:
                continue

    def ensure_demo_owner(self, uow: UnitOfWork, email: str, password: str) -> None:
        """The demo venue owner of `padel run` (PADEL_AUTH_DEMO_OWNER_EMAIL / _PASSWORD): the account
        `DEMO_OWNER_ID`, which owns the venues booking seeds, verified, a player and venue owner. Run
        at every start: it is created, or given the configured email and password again, so the
        credentials `padel run` prints always sign in. Once deleted it stays deleted (its id is
        never reused); a new data folder brings it back."""
        email, password_hash = self._configured(email, password, "PADEL_AUTH_DEMO_OWNER_PASSWORD")
        try:
            with uow.session() as session:
                if store.deleted_account(session, DEMO_OWNER_ID) is not None:
                    return
                account = store.account_by_id(session, DEMO_OWNER_ID)
                if account is None:
                    open_account(session, self.clock(), email, "Demo", "Owner", "", {PLAYER, VENUE_OWNER},
                                 password_hash=password_hash, email_verified=True, user_id=DEMO_OWNER_ID)
                else:
                    account.email, account.password_hash = email, password_hash
                    if VENUE_OWNER not in account.roles:
                        account.grant(VENUE_OWNER)
                        self._roles_changed(session, account, changed_by="configuration")
        except sqlalchemy.exc.IntegrityError:  # the email is another account's, or a replica was first
            with uow.session(read_only=True) as session:
                account = store.account_by_id(session, DEMO_OWNER_ID)
            if account is None or account.email != email:
                raise SystemExit(f"PADEL_AUTH_DEMO_OWNER_EMAIL: {email} belongs to another account") from None

    # -- one-time tokens ---------------------------------------------------------------------

    def _spend_one_time_token(self, session: Session, token: str, purpose: str, now: datetime) -> store.Account:
        row = store.one_time_token_by_hash(session, domain.hash_secret(token))
        if row is None or row.purpose != purpose or not domain.one_time_token_usable(row.used_at, row.expires_at, now):
            raise InvalidArgument.field("token", "invalid, expired or already used")
        row.used_at = now
        return store.account_by_id(session, row.user_id)

    def verify_email(self, uow: UnitOfWork, token: str) -> store.Account:
        with uow.session() as session:
            account = self._spend_one_time_token(session, token, domain.VERIFY_EMAIL, self.clock())
            account.email_verified = True
        return account

    def forgot_password(self, uow: UnitOfWork, email: str) -> None:
        """Sends a reset link if the account exists; the caller learns nothing either way."""
        with uow.session() as session:
            account = store.account_by_email(session, domain.normalize_email(email))
            if account is None or store.count_one_time_tokens_since(
                    session, account.id, domain.RESET_PASSWORD, self.clock() - timedelta(hours=1)
            ) >= domain.MAX_RESET_EMAILS_PER_HOUR:
                return
            token, expires_at = self._one_time_token(session, account, domain.RESET_PASSWORD,
                                                     self.lifetimes.reset_seconds)
            events.password_reset_requested(session, account, token, expires_at)

    def reset_password(self, uow: UnitOfWork, token: str, new_password: str, client_address: str) -> None:
        """Sets the password and signs the account out everywhere (refresh families and every
        access token issued so far). The owner proved themselves through their mailbox, so failed
        sign-ins slow the account down nowhere any more."""
        password_hash = self.credentials.hash(new_password)
        now = self.clock()
        with uow.session() as session:
            account = self._spend_one_time_token(session, token, domain.RESET_PASSWORD, now)
            domain.check_password(new_password, account.email, "new_password", common_passwords())
            account.password_hash = password_hash
            account.email_verified = True  # the reset link reached the mailbox
            store.use_up_one_time_tokens(session, account.id, domain.RESET_PASSWORD, now)
            store.revoke_refresh_tokens(session, now, user_id=account.id)
            self.revocations.cut_off(session, account.id)
            events.password_changed(session, account, now)
        self.credentials.forgive(account.email, client_address)

    # -- roles -------------------------------------------------------------------------------

    def _roles_changed(self, session: Session, account: store.Account, changed_by: str) -> None:
        """Tokens carry roles, so the account's tokens issued so far stop working: its next call
        gets 401, the client refreshes, and the new token carries the new roles."""
        session.flush()
        self.revocations.cut_off(session, account.id)
        events.roles_changed(session, account, changed_by=changed_by)

    def change_role(self, uow: UnitOfWork, caller: Caller, user_id: str, role: str, granting: bool) -> store.Account:
        """Takes effect at once: the account's access tokens are cut off, and the refresh that
        follows issues one with the new roles (its sessions stay signed in)."""
        domain.check_may_change_role(caller, user_id, role, granting)
        with uow.session() as session:
            account = store.account_by_id(session, user_id)
            if account is None:
                raise NotFound("no account with this user_id")
            if (role in account.roles) != granting:
                if granting:
                    account.grant(role)
                else:
                    account.revoke(role)
                self._roles_changed(session, account, changed_by=caller.user_id)
        return account
