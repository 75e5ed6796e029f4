"""auth_svc's tables and queries: accounts with their roles, refresh tokens grouped in families,
and one-time tokens (email verification, password reset). Secrets are stored only as hashes."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, delete, func, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

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


# -- queries -----------------------------------------------------------------------------------


def account_by_id(session: Session, user_id: str) -> Account | None:
    return session.get(Account, user_id)


def account_by_email(session: Session, email: str) -> Account | None:
    return session.scalars(select(Account).where(Account.email == email)).one_or_none()


def account_by_google_subject(session: Session, subject: str) -> Account | None:
    return session.scalars(select(Account).where(Account.google_subject == subject)).one_or_none()


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
    """Deletes refresh and one-time tokens that expired before `before`; returns the count."""
    refresh = session.execute(delete(RefreshToken).where(RefreshToken.expires_at < before))
    one_time = session.execute(delete(OneTimeToken).where(OneTimeToken.expires_at < before))
    return refresh.rowcount + one_time.rowcount
