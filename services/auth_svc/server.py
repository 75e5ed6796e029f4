"""Builds auth_svc's gRPC server from the mesh runtime: the collaborators (signing keys, token mint,
password hasher, sign-in throttle, Google verifier, revocation cache), the use cases, the servicer
and the jobs."""

import logging
import pathlib

from padel.auth.v1 import auth_service_pb2_grpc

from auth_svc.domain import Backoff
from auth_svc.google import GoogleVerifier
from auth_svc.jobs import RevocationCacheJob, TokenSweeper
from auth_svc.keys import SigningKeys, generate_pem, load_pepper
from auth_svc.passwords import PasswordHasher
from auth_svc.service.accounts import Accounts, Lifetimes
from auth_svc.service.credentials import Credentials
from auth_svc.service.revocations import Revocations
from auth_svc.service.sessions import Sessions
from auth_svc.servicer import AuthServicer
from auth_svc.settings import NAME, AuthSettings
from auth_svc.throttle import LoginThrottle
from auth_svc.tokens import TokenMint
from mesh import plumbing, server

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"
log = logging.getLogger("padel.auth")


def settings_from_env(environ=None) -> AuthSettings:
    return AuthSettings.from_env(NAME, environ)


def load_keys(settings: AuthSettings) -> SigningKeys:
    if not settings.signing_key_file.exists():
        generate_pem(settings.signing_key_file)  # embedded default: a key of its own, kept across restarts
    return SigningKeys.load(settings.signing_key_file, list(settings.previous_public_key_files))


def build_credentials(settings: AuthSettings, parts: plumbing.Plumbing) -> Credentials:
    def backoff(free: int) -> Backoff:
        return Backoff(free, settings.login_first_delay_seconds, settings.login_failure_window_seconds)

    throttle = LoginThrottle(parts.redis, per_account=backoff(settings.login_max_failures_per_account),
                             per_client=backoff(settings.login_max_failures_per_client),
                             alert_failures=settings.login_alert_failures)
    return Credentials(PasswordHasher(settings.bcrypt_rounds), throttle,
                       GoogleVerifier(settings.google_client_id, settings.google_jwks_url))


def build_server(settings: AuthSettings) -> tuple[server.Host, int]:
    keys = load_keys(settings)
    parts = plumbing.build(settings, MIGRATIONS, fetch_jwks=lambda: keys.jwks)
    revocations = Revocations(parts.revocations, settings.access_token_seconds)
    credentials = build_credentials(settings, parts)
    accounts = Accounts(credentials, revocations,
                        Lifetimes(settings.verification_token_seconds, settings.reset_token_seconds),
                        erasure_pepper=load_pepper(settings.erasure_pepper,
                                                   settings.data_dir / "auth" / "erasure-pepper"))
    sessions = Sessions(credentials, TokenMint(keys, settings.token_issuer, settings.token_audience,
                                               settings.access_token_seconds, settings.refresh_token_seconds),
                        revocations)
    if settings.admin_email:
        accounts.ensure_admin(parts.database, settings.admin_email, settings.admin_password)
    if settings.demo_owner_email:
        accounts.ensure_demo_owner(parts.database, settings.demo_owner_email, settings.demo_owner_password)
    try:
        revocations.restore(parts.database)  # before serving: a fresh Redis gets its revocations before any check
    except Exception as error:  # noqa: BLE001 - Redis down at start: the job keeps trying
        log.warning("revocation cache not loaded yet, will retry: %s", type(error).__name__)
    return server.build(
        NAME, settings,
        servicers=[(auth_service_pb2_grpc.add_AuthServiceServicer_to_server,
                    AuthServicer(parts.database, keys.jwks, accounts, sessions))],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database,
        workers=[parts.relay, RevocationCacheJob(parts.database, revocations, settings.revocation_check_seconds),
                 TokenSweeper(parts.database)])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
