"""Builds auth_svc's gRPC server from the mesh runtime."""

import pathlib

from padel.auth.v1 import auth_service_pb2_grpc

from auth_svc.keys import SigningKeys, generate_pem
from auth_svc.servicer import AuthServicer
from auth_svc.settings import NAME, AuthSettings
from mesh import plumbing, server

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def settings_from_env(environ=None) -> AuthSettings:
    return AuthSettings.from_env(NAME, environ)


def load_keys(settings: AuthSettings) -> SigningKeys:
    if not settings.signing_key_file.exists():
        generate_pem(settings.signing_key_file)  # embedded default: a key of its own, kept across restarts
    return SigningKeys.load(settings.signing_key_file, list(settings.previous_public_key_files))


def build_server(settings: AuthSettings) -> tuple[server.Host, int]:
    keys = load_keys(settings)
    parts = plumbing.build(settings, MIGRATIONS, fetch_jwks=lambda: keys.jwks)
    return server.build(
        NAME, settings,
        servicers=[(auth_service_pb2_grpc.add_AuthServiceServicer_to_server, AuthServicer(keys))],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database, workers=[parts.relay])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
