"""What auth_svc publishes (padel.auth.v1 events), always in the transaction of the change; the
payloads are built by `convert`.

EmailVerificationRequested and PasswordResetRequested carry the raw single-use token: notify_svc
needs it to build the link, and auth keeps only its hash.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from auth_svc import convert
from auth_svc.domain import FailureBurst
from auth_svc.store import Account
from mesh import outbox, plumbing

STREAM = plumbing.stream("auth")


def user_registered(session: Session, account: Account) -> None:
    outbox.publish(session, STREAM, convert.user_registered(account))


def email_verification_requested(session: Session, account: Account, token: str, expires_at: datetime) -> None:
    outbox.publish(session, STREAM, convert.email_verification_requested(account, token, expires_at))


def registration_attempted(session: Session, account: Account, attempted_at: datetime) -> None:
    outbox.publish(session, STREAM, convert.registration_attempted(account, attempted_at))


def password_reset_requested(session: Session, account: Account, token: str, expires_at: datetime) -> None:
    outbox.publish(session, STREAM, convert.password_reset_requested(account, token, expires_at))


def password_changed(session: Session, account: Account, changed_at: datetime) -> None:
    outbox.publish(session, STREAM, convert.password_changed(account, changed_at))


def account_deleted(session: Session, user_id: str, deleted_at: datetime) -> None:
    outbox.publish(session, STREAM, convert.account_deleted(user_id, deleted_at))


def sign_in_failures_detected(session: Session, account: Account, burst: FailureBurst) -> None:
    outbox.publish(session, STREAM, convert.sign_in_failures_detected(account, burst))


def roles_changed(session: Session, account: Account, changed_by: str) -> None:
    outbox.publish(session, STREAM, convert.roles_changed(account, changed_by))
