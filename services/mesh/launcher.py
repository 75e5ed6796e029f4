"""`padel run`: the whole platform on one machine, embedded shape by default.

Starts a Redis stand-in (unless PADEL_REDIS_URL points at a real Redis), the four services, the
edge directory and the Envoy edge as child processes; waits until they are healthy; seeds demo data;
prints where to reach everything; stops every child on Ctrl-C or SIGTERM.
"""

import importlib.util
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from mesh import redis
from mesh.settings import SERVICES, Env, SettingsError, data_dir

START_TIMEOUT_SECONDS = 90
STOP_GRACE_SECONDS = 15


class Child:
    """One supervised process with its log file."""

    def __init__(self, name: str, module: str, env: dict[str, str], logs: pathlib.Path):
        self.name = name
        self.log_path = logs / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", module], env=env, stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT, start_new_session=True)  # our Ctrl-C is handled by us, not them

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def _serving(address: str) -> bool:
    try:
        with grpc.insecure_channel(address) as channel:
            answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        return answer.status == health_pb2.HealthCheckResponse.SERVING
    except grpc.RpcError:
        return False


def _edge_ready(admin_port: int) -> bool:
    """Envoy is ready and its health checks have found every upstream healthy (so no early 503s)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/clusters", timeout=1) as answer:
            flags = [line.rsplit("::", 1)[1] for line in answer.read().decode().splitlines()
                     if "::health_flags::" in line]
    except OSError:
        return False
    return bool(flags) and all(flag == "healthy" for flag in flags)


class Stopped(Exception):
    """Ctrl-C or SIGTERM arrived while starting."""


class Platform:
    """The children of one `padel run`, started and stopped together."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.settings = Env(env)
        self.children: list[Child] = []
        self.stopping = threading.Event()  # set by Ctrl-C / SIGTERM

    def start(self) -> None:
        folder = data_dir(self.settings)
        logs = folder / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.env["PADEL_DATA_DIR"] = str(folder)
        if not self.settings.str("PADEL_REDIS_URL"):
            self.env["PADEL_REDIS_URL"] = redis.serve_embedded()
        for name in SERVICES:
            self.children.append(Child(name, f"{name}_svc", self.env, logs))
        self.children.append(Child("edge-directory", "edge.directory", self.env, logs))
        self.children.append(Child("edge", "edge", self.env, logs))
        self._wait_healthy()

    def _targets(self) -> dict[str, callable]:
        checks = {}
        for name, (port, _) in SERVICES.items():
            address = f"127.0.0.1:{self.settings.int(f'PADEL_{name.upper()}_PORT', port)}"
            checks[name] = lambda a=address: _serving(a)
        directory = f"127.0.0.1:{self.settings.int('PADEL_EDGE_DIRECTORY_PORT', 3010)}"
        checks["edge-directory"] = lambda: _serving(directory)
        admin = self.settings.int("PADEL_EDGE_ADMIN_PORT", 9901)
        checks["edge"] = lambda: _edge_ready(admin)
        return checks

    def _wait_healthy(self) -> None:
        pending = self._targets()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while pending:
            if self.stopping.is_set():
                raise Stopped
            for child in self.children:
                if not child.alive():
                    raise RuntimeError(f"{child.name} exited during start; its log ends:\n{child.tail()}")
            pending = {name: check for name, check in pending.items() if not check()}
            if time.monotonic() > deadline:
                raise RuntimeError(f"not healthy after {START_TIMEOUT_SECONDS}s: {', '.join(pending)}")
            self.stopping.wait(0.3)

    def seed(self) -> None:
        """Demo venues, so a newcomer can book a court with curl in the first minute."""
        if importlib.util.find_spec("booking_svc.seed") is None:
            return
        if subprocess.run([sys.executable, "-m", "booking_svc.seed"], env=self.env).returncode != 0:
            raise RuntimeError("seeding the demo venues failed (see above)")

    def watch(self) -> None:
        """Returns on Ctrl-C or SIGTERM; raises when a child dies on its own."""
        while not self.stopping.wait(1):
            for child in self.children:
                if not child.alive():
                    raise RuntimeError(f"{child.name} stopped unexpectedly; its log ends:\n{child.tail()}")

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.alive():
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children:
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()


def _summary(env: Env, folder: pathlib.Path) -> str:
    edge = env.int("PADEL_EDGE_PORT", 3000)
    rows = [
        "Padel Platform is running (embedded shape)." if not os.environ.get("PADEL_REDIS_URL")
        else "Padel Platform is running.",
        "",
        f"  REST + gRPC edge   http://127.0.0.1:{edge}   (try: curl http://127.0.0.1:{edge}/api/status)",
    ]
    for name, (port, metrics_port) in SERVICES.items():
        grpc_port = env.int(f"PADEL_{name.upper()}_PORT", port)
        metrics = env.int(f"PADEL_{name.upper()}_METRICS_PORT", metrics_port)
        rows.append(f"  {name + '_svc':<18} 127.0.0.1:{grpc_port}   metrics http://127.0.0.1:{metrics}/metrics")
    rows += [
        f"  Envoy admin        http://127.0.0.1:{env.int('PADEL_EDGE_ADMIN_PORT', 9901)}",
        f"  data and logs      {folder}",
        "",
        f"  grpcurl -plaintext 127.0.0.1:{edge} list",
        "",
        "Ctrl-C stops everything.",
    ]
    return "\n".join(rows)


def run() -> int:
    env = dict(os.environ)
    try:
        platform = Platform(env)
        # Handled here rather than as KeyboardInterrupt: a shell starting us in the background
        # ignores SIGINT for us, and a handler of our own makes Ctrl-C and SIGTERM work the same.
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop_signal, lambda *_: platform.stopping.set())
        try:
            platform.start()
            platform.seed()
            print(_summary(platform.settings, data_dir(platform.settings)), flush=True)
            platform.watch()
        except Stopped:
            pass
        except RuntimeError as exc:
            print(f"padel run: {exc}", file=sys.stderr)
            return 1
        finally:
            print("stopping…", flush=True)
            platform.stop()
    except SettingsError as exc:
        print(f"padel run: {exc}", file=sys.stderr)
        return 2
    return 0
