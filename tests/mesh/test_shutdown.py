"""SIGTERM stops a service gracefully: it stops taking calls, finishes, and exits cleanly."""

import json
import pathlib
import signal
import subprocess
import sys
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from padel_testkit import free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_sigterm_drains_and_exits_zero(tmp_path):
    port = free_port()
    log = tmp_path / "notify.log"  # a file, not a pipe: a full pipe would block the service's logging
    process = subprocess.Popen(
        [sys.executable, "-m", "notify_svc"], cwd=ROOT, stderr=log.open("w"),
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT/'gen'}:{ROOT/'services'}:{ROOT}",
             "PADEL_DATA_DIR": str(tmp_path), "PADEL_NOTIFY_PORT": str(port),
             "PADEL_NOTIFY_METRICS_PORT": str(free_port())})
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            deadline = time.monotonic() + 30
            while True:
                try:
                    if health.Check(health_pb2.HealthCheckRequest(), timeout=1).status == health_pb2.HealthCheckResponse.SERVING:
                        break
                except grpc.RpcError:
                    pass
                assert time.monotonic() < deadline, "notify_svc did not become healthy"
                time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    messages = [json.loads(line)["message"] for line in log.read_text().splitlines() if line.startswith("{")]
    assert messages[-2:] == ["shutting down", "stopped"]
