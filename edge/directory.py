"""The edge directory: the gRPC server behind the edge's own answers.

Envoy sends it `/health`, `/api/status` (padel.status.v1.StatusService), the API reference
(`/api/openapi.json`, `/api/docs`: padel.status.v1.DocsService, edge/docs.py), the pages of the
links in auth's emails (`/verify-email`, `/reset-password`, `/forgot-password`: AccountPagesService,
edge/account_pages.py), the gRPC health
service and server reflection, so `grpcurl -plaintext EDGE list` shows the whole platform and
`grpc.health.v1.Health/Check` through the edge reports each service's real health. It also files
Envoy's own spans when no collector is configured (edge/traces.py).

    python -m edge.directory
"""

import dataclasses

import grpc
from grpc_health.v1 import health_pb2

from edge import account_pages, docs, traces
from mesh import contracts, server, status
from mesh.jobs import Loop
from mesh.settings import DIRECTORY_PORTS, GRPC_SERVICES, SERVICES, Env, ServiceSettings, directory_port, service_address

NAME = "edge"
UPSTREAM_POLL_SECONDS = 2.0


class UpstreamHealth(Loop):
    """Mirrors each service's health into the directory's health service."""

    def __init__(self, health_servicer, targets: dict[str, str]):
        super().__init__("upstream health", UPSTREAM_POLL_SECONDS)
        self.health = health_servicer
        self.targets = targets

    def step(self) -> bool:
        # Health only (one call per service and poll; the version is the status page's business).
        for name, address in self.targets.items():
            try:
                serving = status.health_of(name, address) == health_pb2.HealthCheckResponse.SERVING
            except grpc.RpcError:
                serving = False
            self.health.set(GRPC_SERVICES[name], health_pb2.HealthCheckResponse.SERVING if serving
                            else health_pb2.HealthCheckResponse.NOT_SERVING)
        return False


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
    host, port = server.build(
        NAME, settings, servicers=[docs.servicer(), traces.servicer(settings),
                   account_pages.servicer()], service_names=[], verifier=None,
        reflection_names=[s.full_name for s in contracts.services()])
    host.workers.append(UpstreamHealth(host.health, settings.addresses))
    return host, port


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())


if __name__ == "__main__":
    main()
