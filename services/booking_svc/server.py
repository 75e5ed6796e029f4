"""Builds booking_svc's gRPC server from the mesh runtime."""

import pathlib

from padel.booking.v1 import booking_service_pb2_grpc

from mesh import plumbing, server
from mesh.settings import ServiceSettings

NAME = "booking"
MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def settings_from_env(environ=None) -> ServiceSettings:
    return ServiceSettings.from_env(NAME, environ)


def build_server(settings: ServiceSettings) -> tuple[server.Host, int]:
    parts = plumbing.build(settings, MIGRATIONS)
    return server.build(
        NAME, settings,
        servicers=[(booking_service_pb2_grpc.add_BookingServiceServicer_to_server, booking_service_pb2_grpc.BookingServiceServicer())],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database, workers=[parts.relay])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
