"""`padel run`: the whole platform on one machine, embedded shape by default.

Starts a Redis server (unless PADEL_REDIS_URL points at one: `mesh.redis.server_command`), the
services, the edge directory and the Envoy edge as child processes; waits until they are healthy and the
edge answers `/health` and `/api/status` for this platform; seeds demo data (and has auth_svc create the
demo venue owner's account); prints where to reach everything and how to sign in as the demo owner.
Then it keeps them running: a child that dies is started again after a growing pause
(`mesh.supervisor`), and one that keeps dying ends the run with exit code 1. Ctrl-C or SIGTERM stops
every child.
"""

import importlib.util
import json
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from redis.exceptions import RedisError

from mesh import redis
from mesh.settings import SERVICES, Env, ServiceSettings, SettingsError, data_dir, directory_port, service_address
from mesh.supervisor import Child, Restarts, StopSignals, Supervisor

START_TIMEOUT_SECONDS = 90
STOP_GRACE_SECONDS = 15
DIRECTORY_CLUSTER = "edge_directory"  # the Envoy cluster edge/render.py names for the edge directory
# The demo venue owner's sign-in (auth_svc's PADEL_AUTH_DEMO_OWNER_*): `.example` reaches no mailbox.
DEMO_OWNER_EMAIL = "demo-owner@padel.example"


def say(line: str) -> None:
    """One progress line on stdout, shown at once (`make run` is otherwise silent while it starts)."""
    print(f"padel run: {line}", flush=True)


def serving(address: str) -> bool:
    """Whether the gRPC server at `address` answers its health check with SERVING."""
    try:
        with grpc.insecure_channel(address) as channel:
            answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        return answer.status == health_pb2.HealthCheckResponse.SERVING
    except grpc.RpcError:
        return False


def _free_port() -> int:
    """A port free on 127.0.0.1 now, for the embedded Redis (it keeps it across its restarts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_answers(url: str) -> bool:
    client = redis.make_redis(url)
    try:
        return bool(client.ping())
    except RedisError:
        return False
    finally:
        client.close()


def _envoy_hosts(admin_port: int) -> dict[str, dict[str, bool]] | None:
    """cluster → {upstream address → healthy} as Envoy's health checks see them; None while Envoy does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/clusters", timeout=1) as answer:
            lines = answer.read().decode().splitlines()
    except OSError:
        return None
    hosts: dict[str, dict[str, bool]] = {}
    for line in lines:  # edge_directory::127.0.0.1:3010::health_flags::healthy
        cluster, _, rest = line.partition("::")
        address, found, flags = rest.partition("::health_flags::")
        if found:
            hosts.setdefault(cluster, {})[address] = flags == "healthy"
    return hosts or None


def _unhealthy_clusters(admin_port: int) -> list[str] | None:
    """The upstream clusters Envoy has not found healthy; None while Envoy does not answer."""
    hosts = _envoy_hosts(admin_port)
    return None if hosts is None else sorted(c for c, found in hosts.items() if not all(found.values()))


def _get_json(url: str) -> tuple[int, dict | None]:
    """(HTTP status, JSON body or None); status 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError:
        return 0, None
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


def without_password(url: str) -> str:
    """`postgresql://padel:***@db:5432/padel_auth`: a URL fit to print."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def demo_owner(env: dict[str, str], folder: pathlib.Path) -> None:
    """Has auth_svc create the demo venue owner, unless the run names its own (or none, with an
    empty PADEL_AUTH_DEMO_OWNER_EMAIL): its password is random, made once per data folder and kept
    there, so it stays the same from run to run and differs between machines."""
    if "PADEL_AUTH_DEMO_OWNER_EMAIL" in env:
        return
    kept = folder / "auth" / "demo-owner-password"
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.touch(mode=0o600)
        kept.write_text(secrets.token_urlsafe(12) + "\n")
    env["PADEL_AUTH_DEMO_OWNER_EMAIL"] = DEMO_OWNER_EMAIL
    env["PADEL_AUTH_DEMO_OWNER_PASSWORD"] = kept.read_text().strip()


class Stopped(Exception):
    """Ctrl-C or SIGTERM arrived while starting."""


class Platform:
    """The children of one `padel run`, started, kept running and stopped together."""

    def __init__(self, env: dict[str, str], stop: StopSignals):
        self.env = env
        self.settings = Env(env)
        self.stop = stop
        self.folder = data_dir(self.settings)
        self.redis_embedded = not self.settings.str("PADEL_REDIS_URL")
        self.databases = {name: ServiceSettings.from_env(name, env).database_url for name in SERVICES}
        # The first pause before a dead child is started again (then doubled): tests shorten it.
        first_delay = self.settings.float("PADEL_RUN_FIRST_RESTART_SECONDS", Restarts.first_delay)
        self.supervisor = Supervisor([], stop, Restarts(first_delay=first_delay))

    def port(self, variable: str, default: int) -> int:
        return self.settings.int(variable, default, 0, 65535)

    def start(self) -> None:
        logs = self.folder / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.env["PADEL_DATA_DIR"] = str(self.folder)
        say(f"data and logs in {self.folder}")
        demo_owner(self.env, self.folder)
        children = []
        if self.redis_embedded:
            port = _free_port()
            self.env["PADEL_REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
            children.append(Child("redis", redis.server_command(self.folder / "redis", port), self.env,
                                  logs / "redis.log"))
            say(f"embedded Redis ({children[0].argv[0]}) at {self.env['PADEL_REDIS_URL']}")
        modules = {f"{name}_svc": f"{name}_svc" for name in SERVICES}
        if not (self.settings.str("PADEL_PAYMENT_JAZZCASH_BASE_URL") and self.settings.str("PADEL_PAYMENT_EASYPAISA_BASE_URL")):
            # A wallet with no real provider set is paid at the local stand-in (payment_svc.standin).
            modules["payment-standin"] = "payment_svc.standin"
        modules.update({"edge-directory": "edge.directory", "edge": "edge"})
        children += [Child(name, [sys.executable, "-m", module], self.env, logs / f"{name}.log")
                     for name, module in modules.items()]
        self.supervisor.children[:] = children
        self.supervisor.start()
        say(f"started {', '.join(child.name for child in children)}; waiting until each is healthy")
        self._wait_healthy()

    def _targets(self) -> dict[str, callable]:
        checks = {}
        for name, (port, _) in SERVICES.items():
            address = f"127.0.0.1:{self.port(f'PADEL_{name.upper()}_PORT', port)}"
            checks[f"{name}_svc"] = lambda a=address: serving(a)
        directory = f"127.0.0.1:{directory_port(self.settings)}"
        checks["edge-directory"] = lambda: serving(directory)
        admin = self.port("PADEL_EDGE_ADMIN_PORT", 9901)
        checks["edge"] = lambda: _unhealthy_clusters(admin) == []
        if self.redis_embedded:
            checks["redis"] = lambda: _redis_answers(self.env["PADEL_REDIS_URL"])
        return checks

    def _wait_healthy(self) -> None:
        pending = self._targets()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while pending:
            if self.stop.wait(0):
                raise Stopped
            dead = self.supervisor.first_dead()
            if dead is not None:
                raise RuntimeError(f"{dead.name} exited during start ({dead.exit_description()}); "
                                   f"its log ends:\n{dead.tail()}")
            for name, check in list(pending.items()):
                if check():
                    del pending[name]
                    say(f"{name} is healthy" if name != "edge" else "Envoy finds every service healthy")
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"not healthy after {START_TIMEOUT_SECONDS}s: {', '.join(pending)}"
                                   + self._unhealthy_edge_hint(pending))
            if pending and self.stop.wait(0.3):
                raise Stopped

    def _unhealthy_edge_hint(self, pending) -> str:
        if "edge" not in pending:
            return ""
        clusters = _unhealthy_clusters(self.port("PADEL_EDGE_ADMIN_PORT", 9901))
        return f" (Envoy finds these upstreams unhealthy: {', '.join(clusters)})" if clusters else ""

    def seed(self) -> None:
        """Demo venues, so a newcomer can book a court with curl in the first minute."""
        if importlib.util.find_spec("booking_svc.seed") is None:
            return
        say("seeding the demo venues")
        process = subprocess.Popen([sys.executable, "-m", "booking_svc.seed"], env=self.env, start_new_session=True)
        while process.poll() is None:
            if self.stop.wait(0.2):
                process.terminate()
                process.wait()
                raise Stopped
        if process.returncode != 0:
            raise RuntimeError("seeding the demo venues failed (see above)")

    def check_edge(self) -> None:
        """The edge's own routes reach this platform's directory: `/health` answers through Envoy and
        `/api/status` lists this platform's services (not those of another platform on the same host)."""
        edge = f"http://127.0.0.1:{self.port('PADEL_EDGE_PORT', 3000)}"
        say(f"checking the edge's own routes: {edge}/health and {edge}/api/status")
        expected = {name: service_address(self.settings, name) for name in SERVICES}
        routed = (_envoy_hosts(self.port("PADEL_EDGE_ADMIN_PORT", 9901)) or {}).get(DIRECTORY_CLUSTER, {})
        hint = (f"Envoy sends them to {', '.join(routed) or 'no address'} (PADEL_EDGE_DIRECTORY_ADDR), while this "
                f"platform's directory listens on port {directory_port(self.settings)} "
                "(PADEL_EDGE_DIRECTORY_PORT)")
        deadline = time.monotonic() + 10
        while True:
            status, health = _get_json(f"{edge}/health")
            if status == 200 and health and health.get("status") == "ok":
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the edge does not answer {edge}/health (HTTP {status or 'no answer'}): {hint}")
            if self.stop.wait(0.3):
                raise Stopped
        _, answer = _get_json(f"{edge}/api/status")
        listed = {entry.get("name"): entry.get("address") for entry in (answer or {}).get("services", [])}
        if listed != expected:
            def named(services):
                return ", ".join(f"{name} at {address}" for name, address in services.items()) or "nothing"

            raise RuntimeError(f"{edge}/api/status lists {named(listed)}, not this platform's services "
                               f"({named(expected)}): {hint}")

    def summary(self) -> str:
        return summary(self.settings, self.folder, self.databases, self.env.get("PADEL_REDIS_URL", ""),
                       self.redis_embedded)


def _shape(databases: dict[str, str], folder: pathlib.Path, redis_embedded: bool) -> tuple[str, list[str]]:
    """The run's shape as the first line names it, and the rows saying which stores it uses."""
    sqlite_files = {name: url.removeprefix("sqlite:///") for name, url in databases.items() if url.startswith("sqlite:///")}
    in_folder = sqlite_files.keys() == databases.keys() and all(
        pathlib.Path(path).parent == folder for path in sqlite_files.values())
    if in_folder:
        rows = [f"  {'databases':<18} SQLite files under {folder}: "
                + ", ".join(pathlib.Path(path).name for path in sqlite_files.values())]
    else:
        rows = [f"  {name + '_svc db':<18} {without_password(url)}" for name, url in databases.items()]
    if in_folder and redis_embedded:
        shape = "embedded shape: SQLite files and an embedded Redis"
    elif not sqlite_files and not redis_embedded:
        shape = "distributed shape: PostgreSQL and Redis"
    else:
        shape = "mixed shape"
    return shape, rows


def summary(env: Env, folder: pathlib.Path, databases: dict[str, str], redis_url: str, redis_embedded: bool) -> str:
    """What `padel run` prints once everything answers: where to reach each part, and which stores it uses."""
    edge = env.int("PADEL_EDGE_PORT", 3000)
    shape, store_rows = _shape(databases, folder, redis_embedded)
    rows = [
        f"Padel Platform is running ({shape}).",
        "",
        f"  REST + gRPC edge   http://127.0.0.1:{edge}   (try: curl http://127.0.0.1:{edge}/api/status)",
    ]
    for name, (port, metrics_port) in SERVICES.items():
        grpc_port = env.int(f"PADEL_{name.upper()}_PORT", port)
        metrics = env.int(f"PADEL_{name.upper()}_METRICS_PORT", metrics_port)
        rows.append(f"  {name + '_svc':<18} 127.0.0.1:{grpc_port}   metrics http://127.0.0.1:{metrics}/metrics")
    rows += [
        f"  edge directory     127.0.0.1:{directory_port(env)}   "
        f"metrics http://127.0.0.1:{env.int('PADEL_EDGE_DIRECTORY_METRICS_PORT', 9105)}/metrics",
        f"  Envoy admin        http://127.0.0.1:{env.int('PADEL_EDGE_ADMIN_PORT', 9901)}   "
        f"ops http://127.0.0.1:{env.int('PADEL_EDGE_OPS_PORT', 9902)}/ready",
        *store_rows,
        f"  {'Redis':<18} " + (f"embedded at {redis_url}" if redis_embedded else without_password(redis_url)),
        f"  data and logs      {folder}",
        *([f"  {'demo venue owner':<18} {env.str('PADEL_AUTH_DEMO_OWNER_EMAIL')}   password "
           f"{env.str('PADEL_AUTH_DEMO_OWNER_PASSWORD')}   (owns the demo venues: sign in with POST /api/auth/login)"]
          if env.str("PADEL_AUTH_DEMO_OWNER_EMAIL") else []),
        "",
        f"  grpcurl -plaintext 127.0.0.1:{edge} list",
        "",
        "A service that dies is started again. Ctrl-C stops everything.",
    ]
    return "\n".join(rows)


def run() -> int:
    """`padel run`: 0 after Ctrl-C or SIGTERM, 1 when the platform cannot start or a child keeps dying,
    2 on a bad setting."""
    with StopSignals() as stop:
        # Handled here rather than as KeyboardInterrupt: a shell starting us in the background
        # ignores SIGINT for us, and a handler of our own makes Ctrl-C and SIGTERM work the same.
        try:
            platform = Platform(dict(os.environ), stop)
        except SettingsError as exc:
            print(f"padel run: {exc}", file=sys.stderr)
            return 2
        try:
            platform.start()
            platform.seed()
            platform.check_edge()
            print(platform.summary(), flush=True)
            platform.supervisor.watch()
        except Stopped:
            pass
        except SettingsError as exc:
            print(f"padel run: {exc}", file=sys.stderr)
            return 2
        except RuntimeError as exc:  # CrashLoop included
            print(f"padel run: {exc}", file=sys.stderr, flush=True)
            return 1
        finally:
            say("stopping…")
            platform.supervisor.stop(STOP_GRACE_SECONDS)
    return 0
