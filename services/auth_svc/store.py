"""auth_svc's tables and queries: accounts with their roles, refresh tokens grouped in families,
one-time tokens (email verification, password reset), revocations: revoked access tokens and
per-user cut-offs, the source of truth the Redis revocation cache is refilled from; and each
account's sign-in history. Secrets are stored only as hashes."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship

from mesh.db import rows_of
from mesh.sqltypes import UtcDateTime


class Base(DeclarativeBase):
    pass


class Account(Base):
    """A person's identity; `email` is stored lower-cased and unique."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # None for an account that only ever signed in with Google.
    password_hash: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(16), default="")
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # Google's stable `sub` once the account is linked to a Google sign-in.
    google_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When the holder was last told that someone tried to register this email again.
    registration_notice_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    role_rows: Mapped[list["AccountRole"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def grant(self, role: str) -> None:
        if role not in self.roles:
            self.role_rows.append(AccountRole(role=role))

    def revoke(self, role: str) -> None:
        self.role_rows[:] = [row for row in self.role_rows if row.role != role]


class AccountRole(Base):
    __tablename__ = "account_roles"

    user_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[Account] = relationship(back_populates="role_rows")


# An account with its roles in one statement (a join), not the relationship's second SELECT: a
# sign-in reads its account twice.
WITH_ROLES = joinedload(Account.role_rows)


class RefreshToken(Base):
    """One refresh token; every token of one sign-in shares a `family_id`. It remembers the access
    token issued with it, so revoking the family also revokes that access token."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    access_token_id: Mapped[str] = mapped_column(String(64), index=True)
    access_expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    spent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class OneTimeToken(Base):
    """A single-use secret mailed to the account holder (verify the email, reset the password)."""

    __tablename__ = "one_time_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_one_time_tokens_user_purpose", "user_id", "purpose"),)


class SignIn(Base):
    """One sign-in to an account (password, Google or refresh) with its outcome and the client
    address, for the holder's data export. Kept `domain.SIGN_IN_RETENTION`, at most
    `domain.MAX_SIGN_INS_PER_ACCOUNT` per account (`prune_sign_ins`); erased with the account."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    client_address: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))

    __table_args__ = (Index("ix_sign_ins_user_at", "user_id", "at"),)


class DeletedAccount(Base):
    """What is kept of a deleted account, and why: the user id (a random UUID, never reused, which
    other services' pseudonymised records such as past bookings and payments refer to) with the
    time of deletion, to answer a dispute or a data-protection request about what happened when;
    and a keyed hash of the normalised email (domain.pseudonymise_email), so fraud prevention can
    recognise an address that returns (a banned player, repeated chargebacks) without keeping the
    address. Nothing else: no name, phone, password hash or Google subject."""

    __tablename__ = "deleted_accounts"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), index=True)
    deleted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RevokedAccessToken(Base):
    """An access token refused before it expires (logout, a family revoked for a replayed refresh
    token). Kept until it expires, then swept."""

    __tablename__ = "revoked_access_tokens"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class AccessCutOff(Base):
    """Every access token of the user issued at or before `cut_off_at` is void (password reset, a
    role change, account deletion). No foreign key: it must outlive a deleted account for as long
    as that account's last tokens would live (`expires_at`)."""

    __tablename__ = "access_cut_offs"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cut_off_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


# -- queries -----------------------------------------------------------------------------------


def account_by_id(session: Session, user_id: str) -> Account | None:
    return session.get(Account, user_id, options=[WITH_ROLES])


def account_by_email(session: Session, email: str) -> Account | None:
    return session.scalars(select(Account).options(WITH_ROLES).where(Account.email == email)).unique().one_or_none()


def account_by_google_subject(session: Session, subject: str) -> Account | None:
    return session.scalars(select(Account).where(Account.google_subject == subject)).one_or_none()


def account_by_id_for_update(session: Session, user_id: str) -> Account | None:
    """Locked for the transaction (PostgreSQL): a deletion and a role change do not interleave."""
    return session.get(Account, user_id, with_for_update=True)


def deleted_account(session: Session, user_id: str) -> DeletedAccount | None:
    return session.get(DeletedAccount, user_id)


def erase_account(session: Session, account: Account, email_hash: str, deleted_at: datetime) -> None:
    """Deletes the account with its credentials, roles, sessions, pending links and sign-in
    history, and keeps the
    pseudonymised record (DeletedAccount). The email is free for a new account at once."""
    session.add(DeletedAccount(user_id=account.id, email_hash=email_hash, deleted_at=deleted_at))
    for model in (RefreshToken, OneTimeToken, SignIn):
        session.execute(delete(model).where(model.user_id == account.id))
    session.delete(account)
    session.flush()


def refresh_token_by_hash(session: Session, token_hash: str) -> RefreshToken | None:
    """Locked for the transaction (PostgreSQL), so two concurrent refreshes cannot both spend it."""
    query = select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    return session.scalars(query).one_or_none()


def refresh_token_by_access_id(session: Session, access_token_id: str) -> RefreshToken | None:
    return session.scalars(select(RefreshToken).where(RefreshToken.access_token_id == access_token_id)).one_or_none()


def revoke_refresh_tokens(session: Session, now: datetime, *, family_id: str | None = None,
                          user_id: str | None = None) -> list[tuple[str, datetime]]:
    """Revokes the live refresh tokens of a family or of a whole account; returns the ids and
    expiries of their access tokens still alive, for the revocation list."""
    where = [RefreshToken.revoked_at.is_(None)]
    where.append(RefreshToken.family_id == family_id if family_id else RefreshToken.user_id == user_id)
    rows = session.scalars(select(RefreshToken).where(*where)).all()
    for row in rows:
        row.revoked_at = now
    return [(row.access_token_id, row.access_expires_at) for row in rows if row.access_expires_at > now]


def one_time_token_by_hash(session: Session, token_hash: str) -> OneTimeToken | None:
    query = select(OneTimeToken).where(OneTimeToken.token_hash == token_hash).with_for_update()
    return session.scalars(query).one_or_none()


def count_one_time_tokens_since(session: Session, user_id: str, purpose: str, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(OneTimeToken).where(
        OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose, OneTimeToken.created_at >= since))


def use_up_one_time_tokens(session: Session, user_id: str, purpose: str, now: datetime) -> None:
    """Marks every outstanding token of that purpose used (a reset link older than the reset dies)."""
    session.execute(update(OneTimeToken)
                    .where(OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose,
                           OneTimeToken.used_at.is_(None))
                    .values(used_at=now))


def delete_expired_tokens(session: Session, before: datetime) -> int:
    """Deletes refresh and one-time tokens, revocations and cut-offs that expired before `before`
    (a revoked token that expired is refused as expired); returns the count."""
    return sum(session.execute(delete(model).where(model.expires_at < before)).rowcount
               for model in (RefreshToken, OneTimeToken, RevokedAccessToken, AccessCutOff))


# -- sign-in history ---------------------------------------------------------------------------


def record_sign_in(session: Session, user_id: str, at: datetime, client_address: str, method: str,
                   outcome: str) -> None:
    session.add(SignIn(user_id=user_id, at=at, client_address=client_address[:64], method=method, outcome=outcome))


def sign_ins_of(session: Session, user_id: str) -> list[SignIn]:
    """The account's sign-in history, newest first."""
    return rows_of(session, SignIn.user_id, user_id, SignIn.at.desc(), SignIn.id.desc())


def prune_sign_ins(session: Session, before: datetime, keep_per_account: int) -> int:
    """Deletes the sign-ins older than `before` and, of each account, all but the newest
    `keep_per_account`; returns the count."""
    newest_first = func.row_number().over(partition_by=SignIn.user_id,
                                          order_by=(SignIn.at.desc(), SignIn.id.desc())).label("place")
    ranked = select(SignIn.id, newest_first).subquery()
    surplus = select(ranked.c.id).where(ranked.c.place > keep_per_account)
    return (session.execute(delete(SignIn).where(SignIn.at < before)).rowcount
            + session.execute(delete(SignIn).where(SignIn.id.in_(surplus))).rowcount)


# -- revocations -------------------------------------------------------------------------------


def _insert(session: Session, model):
    """INSERT with ON CONFLICT for this database (SQLite in the embedded shape, else PostgreSQL)."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    return dialect.insert(model)


def record_revoked_tokens(session: Session, tokens: list[tuple[str, datetime]]) -> None:
    """Records revoked access tokens (id, expiry); one revoked twice stays one row."""
    if tokens:
        rows = [{"token_id": token_id, "expires_at": expires_at} for token_id, expires_at in tokens]
        session.execute(_insert(session, RevokedAccessToken).values(rows).on_conflict_do_nothing(
            index_elements=[RevokedAccessToken.token_id]))


def raise_cut_off(session: Session, user_id: str, cut_off_at: datetime, expires_at: datetime) -> None:
    """Voids the user's tokens issued up to `cut_off_at`; an existing later cut-off stays."""
    insert = _insert(session, AccessCutOff).values(user_id=user_id, cut_off_at=cut_off_at, expires_at=expires_at)
    later = insert.excluded.cut_off_at > AccessCutOff.cut_off_at
    session.execute(insert.on_conflict_do_update(index_elements=[AccessCutOff.user_id], set_={
        "cut_off_at": case((later, insert.excluded.cut_off_at), else_=AccessCutOff.cut_off_at),
        "expires_at": case((later, insert.excluded.expires_at), else_=AccessCutOff.expires_at)}))


def cut_off_of(session: Session, user_id: str) -> datetime | None:
    return session.scalar(select(AccessCutOff.cut_off_at).where(AccessCutOff.user_id == user_id))


def live_revocations(session: Session, now: datetime) -> tuple[list[tuple[str, datetime]],
                                                                list[tuple[str, datetime, datetime]]]:
    """What the revocation cache must hold at `now`: revoked tokens (id, expiry) and cut-offs
    (user id, cut-off time, expiry) that still refuse a live token."""
    tokens = session.execute(select(RevokedAccessToken.token_id, RevokedAccessToken.expires_at)
                             .where(RevokedAccessToken.expires_at > now)).all()
    cut_offs = session.execute(select(AccessCutOff.user_id, AccessCutOff.cut_off_at, AccessCutOff.expires_at)
                               .where(AccessCutOff.expires_at > now)).all()
    return [tuple(row) for row in tokens], [tuple(row) for row in cut_offs]
