"""Between padel.auth.v1 messages and auth_svc's values: roles, accounts, token pairs, the account
export with its sign-in history, the JWKS document and the payloads of the events auth publishes.
The only module that knows both."""

from datetime import datetime, timezone

from google.protobuf import json_format
from padel.auth.v1 import auth_pb2, events_pb2
from padel.auth.v1 import auth_service_pb2 as pb

from auth_svc import domain
from auth_svc.domain import FailureBurst, IssuedPair, ordered_roles
from auth_svc.store import Account, SignIn
from mesh.caller import ADMIN, PLAYER, VENUE_OWNER
from mesh.convert import timestamp

# The `token_type` of every pair: the access token goes in `Authorization: Bearer …`.
TOKEN_TYPE = "Bearer"
ROLE_TO_PROTO = {PLAYER: auth_pb2.ROLE_PLAYER, VENUE_OWNER: auth_pb2.ROLE_VENUE_OWNER, ADMIN: auth_pb2.ROLE_ADMIN}
ROLE_FROM_PROTO = {value: name for name, value in ROLE_TO_PROTO.items()}
SIGN_IN_METHODS = {domain.PASSWORD_SIGN_IN: auth_pb2.SIGN_IN_METHOD_PASSWORD,
                   domain.GOOGLE_SIGN_IN: auth_pb2.SIGN_IN_METHOD_GOOGLE,
                   domain.REFRESH_SIGN_IN: auth_pb2.SIGN_IN_METHOD_REFRESH}
SIGN_IN_OUTCOMES = {domain.SUCCEEDED: auth_pb2.SIGN_IN_OUTCOME_SUCCEEDED,
                    domain.WRONG_PASSWORD: auth_pb2.SIGN_IN_OUTCOME_WRONG_PASSWORD,
                    domain.REFRESH_REPLAYED: auth_pb2.SIGN_IN_OUTCOME_REFRESH_REPLAYED}
# What Register says comes next, the same for a new email and one that has an account.
REGISTERED = "Account created. Sign in with your email and password (POST /api/auth/login); " \
             "check your email for the verification link."


def role(value: int, unspecified: str) -> str:
    """A request's role; ROLE_UNSPECIFIED (or an unknown number) becomes `unspecified`."""
    return ROLE_FROM_PROTO.get(value, unspecified)


def roles(names) -> list[int]:
    return [ROLE_TO_PROTO[name] for name in ordered_roles(names)]


def account(row: Account) -> auth_pb2.Account:
    return auth_pb2.Account(
        user_id=row.id, email=row.email, first_name=row.first_name, last_name=row.last_name,
        phone=row.phone, roles=roles(row.roles), email_verified=row.email_verified,
        created_at=timestamp(row.created_at))


def registered(row: Account) -> pb.RegisterResponse:
    return pb.RegisterResponse(account=account(row), next_step=pb.RegisterResponse.NEXT_STEP_SIGN_IN,
                               message=REGISTERED)


def account_export(row: Account, sign_ins: list[SignIn], exported_at: datetime) -> pb.ExportAccountResponse:
    return pb.ExportAccountResponse(
        account=account(row), password_set=row.password_hash is not None, google_linked=row.google_subject is not None,
        sign_ins=[auth_pb2.SignIn(signed_in_at=timestamp(s.at), client_address=s.client_address,
                                  method=SIGN_IN_METHODS[s.method], outcome=SIGN_IN_OUTCOMES[s.outcome])
                  for s in sign_ins],
        exported_at=timestamp(exported_at))


def token_pair(pair: IssuedPair) -> auth_pb2.TokenPair:
    return auth_pb2.TokenPair(
        access_token=pair.access_token, refresh_token=pair.refresh_token, token_type=TOKEN_TYPE,
        expires_in=pair.access_seconds, access_expires_at=timestamp(pair.access_expires_at),
        refresh_expires_at=timestamp(pair.refresh_expires_at))


def jwks(document: dict) -> pb.GetJwksResponse:
    return json_format.ParseDict(document, pb.GetJwksResponse())


# -- event payloads ------------------------------------------------------------------------------


def user_registered(row: Account) -> events_pb2.UserRegistered:
    return events_pb2.UserRegistered(
        user_id=row.id, email=row.email, first_name=row.first_name, last_name=row.last_name,
        phone=row.phone, roles=roles(row.roles), registered_at=timestamp(row.created_at))


def email_verification_requested(row: Account, token: str,
                                 expires_at: datetime) -> events_pb2.EmailVerificationRequested:
    return events_pb2.EmailVerificationRequested(
        user_id=row.id, email=row.email, first_name=row.first_name, token=token, expires_at=timestamp(expires_at))


def registration_attempted(row: Account, attempted_at: datetime) -> events_pb2.RegistrationAttempted:
    return events_pb2.RegistrationAttempted(
        user_id=row.id, email=row.email, first_name=row.first_name, attempted_at=timestamp(attempted_at))


def password_reset_requested(row: Account, token: str, expires_at: datetime) -> events_pb2.PasswordResetRequested:
    return events_pb2.PasswordResetRequested(
        user_id=row.id, email=row.email, first_name=row.first_name, token=token, expires_at=timestamp(expires_at))


def password_changed(row: Account, changed_at: datetime) -> events_pb2.PasswordChanged:
    return events_pb2.PasswordChanged(user_id=row.id, email=row.email, changed_at=timestamp(changed_at))


def account_deleted(user_id: str, deleted_at: datetime) -> events_pb2.AccountDeleted:
    return events_pb2.AccountDeleted(user_id=user_id, deleted_at=timestamp(deleted_at))


def _epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def sign_in_failures_detected(row: Account, burst: FailureBurst) -> events_pb2.SignInFailuresDetected:
    return events_pb2.SignInFailuresDetected(
        user_id=row.id, email=row.email, first_name=row.first_name, failures=burst.failures,
        first_failed_at=timestamp(_epoch(burst.first_failed_at)), last_failed_at=timestamp(_epoch(burst.last_failed_at)),
        client_addresses=burst.addresses)


def roles_changed(row: Account, changed_by: str) -> events_pb2.RolesChanged:
    return events_pb2.RolesChanged(user_id=row.id, roles=roles(row.roles), changed_by=changed_by)
