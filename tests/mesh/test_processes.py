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


def _handled_checks(metrics_port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "grpc_server_handled_total" and sample.labels.get("grpc_method") == "Check")


def test_two_processes_serve_one_port_and_its_metrics_count_both(tmp_path):
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / part) for part in ("gen", "services", ".")),
           "PADEL_DATA_DIR": str(tmp_path), "PADEL_USER_PORT": str(port), "PADEL_USER_METRICS_PORT": str(metrics_port),
           "PADEL_USER_PROCESSES": "2", "PADEL_REDIS_URL": ""}
    log = tmp_path / "user_svc.log"
    with log.open("wb") as output:
        parent = subprocess.Popen([sys.executable, "-m", "user_svc"], env=env, stdout=output,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while len({line["process"] for line in _json_lines(log) if line.get("message") == "serving"}) < 3:
            assert parent.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        answered = sum(_check(port) for _ in range(CALLS))
        assert answered == CALLS
        assert _handled_checks(metrics_port) == CALLS  # the calls of both workers, on one port
    finally:
        parent.send_signal(signal.SIGTERM)
        parent.wait(60)
    assert parent.returncode == 0
    lines = _json_lines(log)
    [group] = [line for line in lines if line.get("message") == "serving" and line["process"] == parent.pid]
    workers = set(group["processes"])
    answering = {line["process"] for line in lines if line.get("method") == "/grpc.health.v1.Health/Check"}
    assert len(workers) == 2 and answering == workers  # both workers took connections
    assert not any(process_alive(pid) for pid in workers)
