"""What auth_svc publishes (padel.auth.v1 events), always in the transaction of the change.

EmailVerificationRequested and PasswordResetRequested carry the raw single-use token: notify_svc
needs it to build the link, and auth keeps only its hash.
"""

from datetime import datetime, timezone

from padel.auth.v1 import auth_pb2, events_pb2
from sqlalchemy.orm import Session

from auth_svc.domain import FailureBurst, ordered_roles
from auth_svc.store import Account
from mesh import outbox, plumbing
from mesh.convert import timestamp

STREAM = plumbing.stream("auth")
ROLE_TO_PROTO = {"player": auth_pb2.ROLE_PLAYER, "venue_owner": auth_pb2.ROLE_VENUE_OWNER,
                 "admin": auth_pb2.ROLE_ADMIN}
ROLE_FROM_PROTO = {value: name for name, value in ROLE_TO_PROTO.items()}


def proto_roles(roles) -> list[int]:
    return [ROLE_TO_PROTO[role] for role in ordered_roles(roles)]


def user_registered(session: Session, account: Account) -> None:
    outbox.publish(session, STREAM, events_pb2.UserRegistered(
        user_id=account.id, email=account.email, first_name=account.first_name, last_name=account.last_name,
        phone=account.phone, roles=proto_roles(account.roles), registered_at=timestamp(account.created_at)))


def email_verification_requested(session: Session, account: Account, token: str, expires_at: datetime) -> None:
    outbox.publish(session, STREAM, events_pb2.EmailVerificationRequested(
        user_id=account.id, email=account.email, first_name=account.first_name, token=token,
        expires_at=timestamp(expires_at)))


def registration_attempted(session: Session, account: Account, attempted_at: datetime) -> None:
    outbox.publish(session, STREAM, events_pb2.RegistrationAttempted(
        user_id=account.id, email=account.email, first_name=account.first_name,
        attempted_at=timestamp(attempted_at)))


def password_reset_requested(session: Session, account: Account, token: str, expires_at: datetime) -> None:
    outbox.publish(session, STREAM, events_pb2.PasswordResetRequested(
        user_id=account.id, email=account.email, first_name=account.first_name, token=token,
        expires_at=timestamp(expires_at)))


def password_changed(session: Session, account: Account, changed_at: datetime) -> None:
    outbox.publish(session, STREAM, events_pb2.PasswordChanged(
        user_id=account.id, email=account.email, changed_at=timestamp(changed_at)))


def account_deleted(session: Session, user_id: str, deleted_at: datetime) -> None:
    outbox.publish(session, STREAM, events_pb2.AccountDeleted(user_id=user_id, deleted_at=timestamp(deleted_at)))


def sign_in_failures_detected(session: Session, account: Account, burst: FailureBurst) -> None:
    outbox.publish(session, STREAM, events_pb2.SignInFailuresDetected(
        user_id=account.id, email=account.email, first_name=account.first_name, failures=burst.failures,
        first_failed_at=timestamp(datetime.fromtimestamp(burst.first_failed_at, timezone.utc)),
        last_failed_at=timestamp(datetime.fromtimestamp(burst.last_failed_at, timezone.utc)),
        client_addresses=burst.addresses))


def roles_changed(session: Session, account: Account, changed_by: str) -> None:
    outbox.publish(session, STREAM, events_pb2.RolesChanged(
        user_id=account.id, roles=proto_roles(account.roles), changed_by=changed_by))
