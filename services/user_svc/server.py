"""Builds user_svc's gRPC server from the mesh runtime."""

import pathlib

from padel.user.v1 import user_service_pb2_grpc

from mesh import plumbing, server
from mesh.settings import ServiceSettings

NAME = "user"
MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def settings_from_env(environ=None) -> ServiceSettings:
    return ServiceSettings.from_env(NAME, environ)


def build_server(settings: ServiceSettings) -> tuple[server.Host, int]:
    parts = plumbing.build(settings, MIGRATIONS)
    return server.build(
        NAME, settings,
        servicers=[(user_service_pb2_grpc.add_UserServiceServicer_to_server, user_service_pb2_grpc.UserServiceServicer())],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database, workers=[parts.relay])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
