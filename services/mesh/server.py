"""Server bootstrap shared by every service: the interceptor chain, health, reflection, status,
metrics, background workers and graceful shutdown.

A service's `build_server(settings)` calls `build(...)` and returns `(host, port)`; tests start that
on port 0 with the full chain. `serve(...)` is the process entry point.
"""

import gc
import logging
import signal
import sys
import threading
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from padel.status.v1 import status_service_pb2, status_service_pb2_grpc

from mesh import interceptors, logs, metrics, origin, plumbing, processes, tracing
from mesh.jobs import Loop
from mesh.reflection import contract_pool
from mesh.settings import ServiceSettings
from mesh.status import StatusServicer
from mesh.tokens import TokenVerifier

log = logging.getLogger("padel.server")

# How often a server checks its database for its health status: an outage shows as NOT_SERVING within
# this (Envoy then stops routing after its own two failed checks, 1 s apart). Every wake costs every
# idle service CPU; a dead process is seen by Envoy's checks whatever this is.
HEALTH_CHECK_SECONDS = 5.0
STATUS_SERVICE = status_service_pb2.DESCRIPTOR.services_by_name["StatusService"].full_name
HEALTH_SERVICE = health_pb2.DESCRIPTOR.services_by_name["Health"].full_name


class Worker(Protocol):
    """A background job that lives as long as the server (outbox relay, event consumer, expiry job)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


class Database(Protocol):
    def ping(self) -> bool: ...

    def dispose(self) -> None: ...


class HealthWatch(Loop):
    """NOT_SERVING while the database is unreachable, so Envoy and Kubernetes route around us."""

    def __init__(self, health_servicer: health.HealthServicer, service_names: list[str], database: Database | None):
        super().__init__("health", HEALTH_CHECK_SECONDS)
        self.health = health_servicer
        self.service_names = service_names
        self.database = database
        self._serving: bool | None = None

    def step(self) -> bool:
        ok = self.database.ping() if self.database is not None else True
        if ok != self._serving:
            status = health_pb2.HealthCheckResponse.SERVING if ok else health_pb2.HealthCheckResponse.NOT_SERVING
            for name in ("", *self.service_names):
                self.health.set(name, status)
            if self._serving is not None:
                log.warning("health changed", extra={"serving": ok})
            self._serving = ok
        return False


class HealthOffThePool(grpc.ServerInterceptor):
    """Answers `grpc.health.v1.Health/Check` on threads of its own, not the request pool: a service
    whose workers are all busy still says how it is, so Envoy's health checks (1 s timeout) do not
    mark a merely saturated service down. Outermost, so it marks the handler the whole chain built
    (grpc runs a handler whose behaviour carries `experimental_thread_pool` on that pool)."""

    CHECK = f"/{HEALTH_SERVICE}/Check"

    def __init__(self):
        self.pool = futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="health-check")

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler.unary_unary is None or handler_call_details.method != self.CHECK:
            return handler
        behaviour = handler.unary_unary

        def check(request, context):
            return behaviour(request, context)

        check.experimental_thread_pool = self.pool
        return handler._replace(unary_unary=check)


@dataclass
class Host:
    """A built server with everything that runs beside it."""

    server: grpc.Server
    port: int
    health: health.HealthServicer
    service_names: list[str]
    database: Database | None = None
    workers: list[Worker] = field(default_factory=list)
    metrics_port: int | None = None

    def __post_init__(self) -> None:
        self._health_watch = HealthWatch(self.health, self.service_names, self.database)

    def start(self) -> "Host":
        self.server.start()
        for worker in self.workers:
            worker.start()
        self._health_watch.start()
        return self

    def stop(self, grace: float | None = None) -> None:
        """Stops taking calls, lets in-flight calls finish, then stops (and flushes) the workers."""
        self._health_watch.stop()
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()
        for worker in reversed(self.workers):
            worker.stop()
        if self.database is not None:
            self.database.dispose()  # hand the connections back to the database server now

    def wait(self) -> None:
        self.server.wait_for_termination()


def build(
    name: str,
    settings: ServiceSettings,
    servicers: list[tuple[Callable[[Any, grpc.Server], None], Any]],
    service_names: list[str],
    *,
    verifier: TokenVerifier | None,
    database: Database | None = None,
    workers: list[Worker] | None = None,
    reflection_names: list[str] | None = None,
    health_servicer: health.HealthServicer | None = None,
) -> tuple[Host, int]:
    """A server with the platform's interceptor chain, health (`health_servicer`, by default grpc's),
    reflection and status service."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix=name),
        interceptors=[HealthOffThePool(), *interceptors.chain(
            name, verifier, origin.load_secret(settings.edge_secret_file) if settings.edge_secret_file else "")],
        # A port clash must be an error, not two servers silently sharing one port; unless the
        # service runs as several processes on purpose (mesh.processes). No bandwidth-delay
        # probe: its PING after every call (an Envoy health check every 3 s) woke grpc's threads
        # a second time, for flow-control windows that small unary calls never fill (issue 11).
        options=[("grpc.so_reuseport", 1 if settings.processes > 1 else 0), ("grpc.http2.bdp_probe", 0)],
    )
    for add, servicer in servicers:
        add(servicer, server)
    health_servicer = health_servicer or health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    status_service_pb2_grpc.add_StatusServiceServicer_to_server(
        StatusServicer(settings.version, settings.addresses), server)
    names = [*service_names, STATUS_SERVICE]
    reflection.enable_server_reflection(
        sorted({*names, *(reflection_names or []), HEALTH_SERVICE, reflection.SERVICE_NAME}), server,
        pool=contract_pool())
    try:
        port = server.add_insecure_port(f"{settings.host}:{settings.port}")
    except RuntimeError:
        raise SystemExit(f"{name}: cannot listen on {settings.host}:{settings.port} (port in use?)") from None
    # Until the first database check, the server says NOT_SERVING rather than guess.
    for service in ("", *names):
        health_servicer.set(service, health_pb2.HealthCheckResponse.NOT_SERVING)
    return Host(server=server, port=port, health=health_servicer, service_names=names,
                database=database, workers=list(workers or [])), port


# Young objects collected every this many allocations (CPython's 700 runs a collection several
# times in every request, and promotes what a request still holds to the older generations).
GC_YOUNG_THRESHOLD = 10_000


def settle_garbage_collector() -> None:
    """After start-up: what start-up made (modules, contracts, mappers: ~100,000 objects) moves
    where the collector never scans it again (`gc.freeze`), so a full collection in a request's
    way scans only what serving left behind (on a busy 2-core machine a full one took 0.5 s), and
    young collections run less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def serve(name: str, build_server: Callable[[ServiceSettings], tuple[Host, int]],
          settings: ServiceSettings) -> None:
    """Runs a service until SIGTERM or SIGINT, then shuts down gracefully; with several processes
    (`settings.processes`), as the parent of the workers that serve (mesh.processes)."""
    logs.configure(name, settings.log_level)
    if settings.processes > 1 and not processes.is_worker():
        sys.exit(processes.serve_group(settings))
    tracing.configure(name, settings)
    host, port = build_server(settings)
    host.start()
    settle_garbage_collector()
    if not processes.is_worker():  # a group's parent serves its workers' metrics
        plumbing.export_event_backlog(settings)
        host.metrics_port = metrics.serve_metrics(settings.host, settings.metrics_port)
    log.info("serving", extra={"grpc_port": port, "metrics_port": host.metrics_port, "version": settings.version})
    stopped = threading.Event()

    def shut_down(signum, _frame):
        log.info("shutting down", extra={"signal": signal.Signals(signum).name})
        stopped.set()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    if processes.is_worker():
        processes.end_with_parent()
    stopped.wait()
    host.stop(settings.grace_seconds)
    log.info("stopped")
