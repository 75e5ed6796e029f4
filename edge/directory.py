"""The edge directory: the gRPC server behind the edge's own answers.

Envoy sends it `/health`, `/api/status` (padel.status.v1.StatusService), the API reference
(`/api/openapi.json`, `/api/docs`: padel.status.v1.DocsService, edge/docs.py), the pages of the
links in auth's emails (`/verify-email`, `/reset-password`, `/forgot-password`) and in notify's
share-payment requests (`/bookings/{booking_id}/pay`: AccountPagesService, edge/account_pages.py),
the gRPC health
service and server reflection, so `grpcurl -plaintext EDGE list` shows the whole platform and
`grpc.health.v1.Health/Check` through the edge reports each service's real health. It also files
Envoy's own spans when no collector is configured (edge/traces.py).

    python -m edge.directory
"""

import dataclasses

import grpc
from grpc_health.v1 import health, health_pb2

from edge import account_pages, docs, traces
from mesh import contracts, server, status
from mesh.settings import DIRECTORY_PORTS, GRPC_SERVICES, SERVICES, Env, ServiceSettings, directory_port, service_address

NAME = "edge"


class UpstreamHealth(health.HealthServicer):
    """The directory's health service: `Check` of a service's name asks that service when asked
    (NOT_SERVING when it does not answer within a second), rather than a mirror polled every few
    seconds, which kept every server of an idle platform busy; the rest is grpc's own."""

    def __init__(self, targets: dict[str, str]):
        super().__init__(experimental_non_blocking=True)
        self.upstreams = {GRPC_SERVICES[name]: (name, address) for name, address in targets.items()}

    def Check(self, request, context):
        if request.service not in self.upstreams:
            return super().Check(request, context)
        try:
            serving = status.health_of(*self.upstreams[request.service]) == health_pb2.HealthCheckResponse.SERVING
        except grpc.RpcError:
            serving = False
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING if serving
                                              else health_pb2.HealthCheckResponse.NOT_SERVING)


def settings_from_env(environ=None) -> ServiceSettings:
    env = Env(environ)
    base = ServiceSettings.from_env("auth", environ)  # shared values: bind host, log level, data dir
    return dataclasses.replace(
        base, name=NAME,
        port=directory_port(env),
        metrics_port=env.int("PADEL_EDGE_DIRECTORY_METRICS_PORT", DIRECTORY_PORTS[1], 0, 65535),
        database_url="", workers=8, processes=1,
        addresses={name: service_address(env, name) for name in SERVICES})


def build_server(settings: ServiceSettings):
    return server.build(
        NAME, settings, servicers=[docs.servicer(), traces.servicer(settings),
                   account_pages.servicer()], service_names=[], verifier=None,
        reflection_names=[s.full_name for s in contracts.services()],
        health_servicer=UpstreamHealth(settings.addresses))


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())


if __name__ == "__main__":
    main()
