"""Several processes of one service on one port (mesh.processes, `PADEL_<SVC>_PROCESSES`): the kernel
spreads connections over the workers, the one metrics port counts the calls of all of them, and
stopping the service stops every worker."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client.parser import text_string_to_metric_families

from padel_testkit import ROOT, free_port, process_alive

CALLS = 40


def _json_lines(path) -> list[dict]:
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            pass  # a line that is not ours (the supervisor's)
    return lines


def _check(port: int) -> bool:
    """One health check over a connection of its own; True when a worker answered."""
    options = [("grpc.use_local_subchannel_pool", 1)]  # not the process-wide pool: a new connection
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=options) as channel:
        try:
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        except grpc.RpcError:
            return False
    return True


def _samples(metrics_port: int, name: str) -> list:
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples
            if sample.name == name]


def _handled_checks(metrics_port: int) -> float:
    return sum(sample.value for sample in _samples(metrics_port, "grpc_server_handled_total")
               if sample.labels.get("grpc_method") == "Check")


def _serving(log) -> dict[int, list[int]]:
    """pid → the worker pids it announced (parent) or [] (a worker), for each process that said "serving"."""
    return {line["process"]: line.get("processes", []) for line in _json_lines(log) if line.get("message") == "serving"}


def _answering(log) -> set[int]:
    return {line["process"] for line in _json_lines(log) if line.get("method") == "/grpc.health.v1.Health/Check"}


def _wait(condition, log, parent) -> None:
    deadline = time.monotonic() + 90
    while not condition():
        assert parent.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


@pytest.fixture
def user_svc_of_two(tmp_path):
    """user_svc as two processes on one port: (parent process, port, metrics port, log path)."""
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / part) for part in ("gen", "services", ".")),
           "PADEL_DATA_DIR": str(tmp_path), "PADEL_USER_PORT": str(port), "PADEL_USER_METRICS_PORT": str(metrics_port),
           "PADEL_USER_PROCESSES": "2", "PADEL_REDIS_URL": ""}
    log = tmp_path / "user_svc.log"
    with log.open("wb") as output:
        parent = subprocess.Popen([sys.executable, "-m", "user_svc"], env=env, stdout=output,
                                  stderr=subprocess.STDOUT)
    try:
        _wait(lambda: len(_serving(log)) == 3, log, parent)  # the parent and its two workers
        yield parent, port, metrics_port, log
    finally:
        if parent.poll() is None:
            parent.send_signal(signal.SIGTERM)
            parent.wait(60)


def test_two_processes_serve_one_port_and_its_metrics_count_both(user_svc_of_two):
    parent, port, metrics_port, log = user_svc_of_two
    answered = sum(_check(port) for _ in range(CALLS))
    assert answered == CALLS
    assert _handled_checks(metrics_port) == CALLS  # the calls of both workers, on one port
    # The outbox backlog is the service's, read once at the scrape: one sample, not one per worker.
    assert [sample.value for sample in _samples(metrics_port, "padel_outbox_unpublished_events")] == [0]
    parent.send_signal(signal.SIGTERM)
    parent.wait(60)
    assert parent.returncode == 0
    workers = set(_serving(log)[parent.pid])
    assert len(workers) == 2 and _answering(log) == workers  # both workers took connections
    assert not any(process_alive(pid) for pid in workers)


def test_a_worker_that_dies_is_started_again_on_the_same_port(user_svc_of_two):
    parent, port, _, log = user_svc_of_two
    first, second = _serving(log)[parent.pid]
    os.kill(first, signal.SIGKILL)
    _wait(lambda: len(_serving(log)) == 4, log, parent)  # a third worker said "serving"
    [successor] = set(_serving(log)) - {parent.pid, first, second}
    assert sum(_check(port) for _ in range(CALLS)) == CALLS
    parent.send_signal(signal.SIGTERM)
    parent.wait(60)
    assert _answering(log) == {second, successor}
    assert "user_svc: user_svc worker 0 died (killed by SIGKILL)" in log.read_text()
