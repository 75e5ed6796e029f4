"""Builds booking_svc's gRPC server from the mesh runtime: the servicer over the booking desk, the
outbox relay, the consumer of auth's events and the booking job (expired holds, finished games) as
background workers."""

import pathlib

from padel.booking.v1 import booking_service_pb2_grpc

from booking_svc import consumers
from booking_svc.desk import BookingDesk
from booking_svc.jobs import BookingJob
from booking_svc.servicer import BookingServicer
from booking_svc.settings import NAME, BookingSettings
from mesh import plumbing, server

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def settings_from_env(environ=None) -> BookingSettings:
    return BookingSettings.from_env(NAME, environ)


def build_server(settings: BookingSettings) -> tuple[server.Host, int]:
    parts = plumbing.build(settings, MIGRATIONS)
    desk = BookingDesk(parts.database, settings.commission_percent)
    return server.build(
        NAME, settings,
        servicers=[(booking_service_pb2_grpc.add_BookingServiceServicer_to_server, BookingServicer(desk))],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database,
        workers=[parts.relay, consumers.consumer(parts.database, parts.redis, desk),
                 BookingJob(desk, settings.job_interval_seconds)])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
