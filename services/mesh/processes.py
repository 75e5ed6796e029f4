"""Several server processes of one service sharing its port, when `PADEL_<SVC>_PROCESSES` > 1.

A Python process serves with one core at most (the GIL). With N processes, `mesh.server.serve`
becomes a small parent: it reserves the port with SO_REUSEPORT, starts N workers (this same command
again, marked as workers), each binding the port with `grpc.so_reuseport` so that the kernel spreads
connections among them, keeps them running with `mesh.supervisor` (a worker that dies is started
again; one that keeps dying ends the service with exit code 1), and stops them on SIGTERM. This is
grpc's examples/python/multiprocessing, with fresh interpreters instead of `fork`: no gRPC, database
or thread state crosses a fork.

Metrics: prometheus_client's multiprocess mode. Every worker writes its samples to files in a
folder of the group and the parent adds them up at each scrape of the service's one metrics port,
so Prometheus keeps one target per service and sees the whole service (counters and histograms
summed over the workers, including workers that were restarted). The outbox backlog and consumer
lag are read by the parent itself at each scrape (mesh.relay.EventBacklog), once for the group.
"""

import ctypes
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile

from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from mesh import metrics, plumbing
from mesh.settings import ServiceSettings
from mesh.supervisor import Child, CrashLoop, StopSignals, Supervisor

# In a worker's environment: the pid of the parent whose port it serves.
WORKER_OF = "MESH_WORKER_OF"
# prometheus_client's multiprocess folder, read by it when a worker imports it.
METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_PR_SET_PDEATHSIG = 1
STOP_MARGIN_SECONDS = 5.0

log = logging.getLogger("padel.processes")


def is_worker() -> bool:
    """Whether this process is one worker of a group (the parent serves the metrics)."""
    return bool(os.environ.get(WORKER_OF))


def _reserve(host: str, port: int) -> socket.socket:
    """The group's port, held (bound, never listening) by the parent for as long as it runs; port 0
    picks a free one."""
    reserved = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    reserved.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        reserved.bind((host.strip("[]"), port))
    except OSError:
        reserved.close()
        raise SystemExit(f"cannot listen on {host}:{port} (port in use?)") from None
    return reserved


def serve_group(settings: ServiceSettings) -> int:
    """Runs `settings.processes` workers of this command on one port until SIGTERM or SIGINT; the
    exit code: 0 after a stop signal, 1 when a worker kept dying."""
    reserved = _reserve(settings.host, settings.port)
    port = reserved.getsockname()[1]
    folder = tempfile.mkdtemp(prefix=f"padel-{settings.name}-metrics-")
    env = {**os.environ, f"PADEL_{settings.name.upper()}_PORT": str(port), WORKER_OF: str(os.getpid()),
           METRICS_DIR: folder}
    command = [sys.executable, *sys.orig_argv[1:]]  # `-m booking_svc`, as this process was started
    workers = [Child(f"{settings.name}_svc worker {n}", command, env, None) for n in range(settings.processes)]
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=folder)
    plumbing.export_event_backlog(settings, registry)
    try:
        with StopSignals() as stop:
            supervisor = Supervisor(workers, stop, who=f"{settings.name}_svc")
            supervisor.start()
            metrics_port = metrics.serve_metrics(settings.host, settings.metrics_port, registry)
            log.info("serving", extra={"grpc_port": port, "metrics_port": metrics_port,
                                       "processes": [worker.pid for worker in workers]})
            try:
                supervisor.watch()
            except CrashLoop as error:
                log.error("%s", error)
                return 1
            finally:
                supervisor.stop(settings.grace_seconds + STOP_MARGIN_SECONDS)
    finally:
        reserved.close()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def end_with_parent() -> None:
    """A worker stops (SIGTERM, gracefully) when its parent is gone, even killed: an orphan would
    go on serving the port beside the workers of the parent's successor."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != int(os.environ[WORKER_OF]):  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)
