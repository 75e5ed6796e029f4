"""Builds match_svc's gRPC server from the mesh runtime: the servicer over the use cases, the outbox
relay, the consumer of booking's and auth's events and the result job as background workers."""

import datetime as dt
import pathlib

from padel.match.v1 import match_service_pb2_grpc

from match_svc import consumers
from match_svc.courts import BookingDesk
from match_svc.jobs import HoldJob, ResultJob
from match_svc.players import UserDirectory
from match_svc.service import Levels, Matches, Results
from match_svc.servicer import MatchServicer
from match_svc.settings import NAME, MatchSettings
from mesh import plumbing, server

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def settings_from_env(environ=None) -> MatchSettings:
    return MatchSettings.from_env(NAME, environ)


def build_server(settings: MatchSettings) -> tuple[server.Host, int]:
    parts = plumbing.build(settings, MIGRATIONS)
    clock = parts.clock  # the use cases' and jobs' one "now" (mesh.clock)
    players = UserDirectory(settings.addresses["user"])
    levels = Levels(players, clock)
    matches = Matches(BookingDesk(settings.addresses["booking"]), players, levels,
                      dt.timedelta(hours=settings.leave_cutoff_hours), clock, settings.fill_rule)
    results = Results(levels, dt.timedelta(hours=settings.confirm_window_hours), clock)
    servicer = MatchServicer(parts.database, matches, results, levels)
    return server.build(
        NAME, settings,
        servicers=[(match_service_pb2_grpc.add_MatchServiceServicer_to_server, servicer)],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database,
        workers=[parts.relay, consumers.consumer(parts.database, parts.redis, matches, levels),
                 ResultJob(parts.database, results, settings.job_interval_seconds),
                 HoldJob(parts.database, matches, settings.job_interval_seconds)])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
