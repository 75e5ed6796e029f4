"""Builds auth_svc's gRPC server from the mesh runtime."""

import logging
import pathlib

from padel.auth.v1 import auth_service_pb2_grpc

from auth_svc.accounts import Accounts, Lifetimes
from auth_svc.domain import Backoff
from auth_svc.google import GoogleVerifier
from auth_svc.keys import SigningKeys, generate_pem, load_pepper
from auth_svc.passwords import PasswordHasher
from auth_svc.servicer import AuthServicer
from auth_svc.settings import NAME, AuthSettings
from auth_svc.sweeper import RevocationCache, TokenSweeper
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


def build_accounts(settings: AuthSettings, keys: SigningKeys, parts: plumbing.Plumbing,
                   revocations: RevocationCache) -> Accounts:
    return Accounts(
        database=parts.database,
        hasher=PasswordHasher(settings.bcrypt_rounds),
        mint=TokenMint(keys, settings.token_issuer, settings.token_audience,
                       settings.access_token_seconds, settings.refresh_token_seconds),
        throttle=LoginThrottle(
            parts.redis,
            per_account=Backoff(settings.login_max_failures_per_account, settings.login_first_delay_seconds,
                                settings.login_failure_window_seconds),
            per_client=Backoff(settings.login_max_failures_per_client, settings.login_first_delay_seconds,
                               settings.login_failure_window_seconds),
            alert_failures=settings.login_alert_failures),
        revocations=revocations,
        google=GoogleVerifier(settings.google_client_id, settings.google_jwks_url),
        lifetimes=Lifetimes(settings.verification_token_seconds, settings.reset_token_seconds),
        erasure_pepper=load_pepper(settings.erasure_pepper, settings.data_dir / "auth" / "erasure-pepper"),
    )


def build_server(settings: AuthSettings) -> tuple[server.Host, int]:
    keys = load_keys(settings)
    parts = plumbing.build(settings, MIGRATIONS, fetch_jwks=lambda: keys.jwks)
    revocations = RevocationCache(parts.database, parts.revocations, settings.revocation_check_seconds)
    accounts = build_accounts(settings, keys, parts, revocations)
    if settings.admin_email:
        accounts.ensure_admin(settings.admin_email, settings.admin_password)
    try:
        revocations.work()  # before serving: a fresh Redis gets its revocations before any check
    except Exception as error:  # noqa: BLE001 - Redis down at start: the job keeps trying
        log.warning("revocation cache not loaded yet, will retry: %s", type(error).__name__)
    return server.build(
        NAME, settings,
        servicers=[(auth_service_pb2_grpc.add_AuthServiceServicer_to_server, AuthServicer(keys, accounts))],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database,
        workers=[parts.relay, revocations, TokenSweeper(parts.database)])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
