"""Settings from environment variables, read once at start into frozen objects.

Every variable has a working default for the embedded shape; a value that cannot be parsed stops
the process at start with a message naming the variable.
"""

import os
import pathlib
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable, Mapping, TypeVar

T = TypeVar("T")

# The services with their default gRPC and metrics ports.
SERVICES: dict[str, tuple[int, int]] = {
    "auth": (3001, 9101),
    "user": (3002, 9102),
    "booking": (3003, 9103),
    "notify": (3004, 9104),
    "payment": (3005, 9106),
    "match": (3006, 9107),
}
# gRPC worker threads per server process. Measured (bench/): 4 beat 32 where calls hold the GIL. Auth's
# sign-ins wait on bcrypt with the GIL released, and Envoy's health checks share the pool: with 4 or
# 16 threads under 16 concurrent sign-ins they queued past their 1 s timeout (auth marked down, 503s).
WORKER_THREADS = {"auth": 32}
DEFAULT_WORKER_THREADS = 4
# Full protobuf names of each service's public gRPC service.
GRPC_SERVICES: dict[str, str] = {
    "auth": "padel.auth.v1.AuthService",
    "user": "padel.user.v1.UserService",
    "booking": "padel.booking.v1.BookingService",
    "notify": "padel.notify.v1.NotifyService",
    "payment": "padel.payment.v1.PaymentService",
    "match": "padel.match.v1.MatchService",
}
# The edge's own ports: Envoy (REST + gRPC) and the edge directory (gRPC, metrics).
EDGE_PORT = 3000
DIRECTORY_PORTS = (3010, 9105)
VERSION = "0.1.0"
# The zone of a venue or a person who has not chosen one: the platform's cities all keep it.
DEFAULT_TIME_ZONE = "Asia/Karachi"
# The demo venue owner's account id: `padel run` has auth_svc create the account
# (PADEL_AUTH_DEMO_OWNER_*) and booking_svc's seed give it the demo venues.
DEMO_OWNER_ID = "00000000-0000-4000-a000-00000000d3e0"


class SettingsError(SystemExit):
    """A bad environment value; raised at start so the process exits with the reason."""


class Env:
    """Typed reads of PADEL_* variables from a mapping (os.environ by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ

    def _read(self, name: str, default: T, parse: Callable[[str], T], expected: str) -> T:
        raw = self.environ.get(name, "").strip()
        if not raw:
            return default
        try:
            return parse(raw)
        except ValueError:
            raise SettingsError(f"{name}: expected {expected}, got {raw!r}") from None

    def str(self, name: str, default: str = "") -> str:
        return self._read(name, default, str, "a string")

    def int(self, name: str, default: int, low: int | None = None, high: int | None = None) -> int:
        value = self._read(name, default, int, "an integer")
        if (low is not None and value < low) or (high is not None and value > high):
            raise SettingsError(f"{name}: expected an integer in [{low}, {high}], got {value}")
        return value

    def float(self, name: str, default: float) -> float:
        return self._read(name, default, float, "a number")

    def bool(self, name: str, default: bool) -> bool:
        def parse(raw: str) -> bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)

        return self._read(name, default, parse, "true or false")

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise SettingsError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
        return value

    def required(self, name: str) -> str:
        value = self.str(name)
        if not value:
            raise SettingsError(f"{name}: required but not set")
        return value


def data_dir(env: Env) -> pathlib.Path:
    """The folder holding the embedded shape's SQLite files, keys and outbox of sent messages."""
    return pathlib.Path(env.str("PADEL_DATA_DIR", "data")).resolve()


def reach_host(env: Env) -> str:
    """Where a process on this machine reaches a server bound to PADEL_BIND_HOST (a wildcard bind
    is reached on loopback), written as the host part of host:port."""
    host = env.str("PADEL_BIND_HOST", "127.0.0.1").strip("[]")
    if host in ("0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def edge_secret_file(env: Env) -> pathlib.Path:
    """The file holding the secret the edge proves itself with to the services (mesh.origin)."""
    return pathlib.Path(env.str("PADEL_EDGE_SECRET_FILE", str(data_dir(env) / "edge" / "edge-secret")))


def test_clock_file(env: Env) -> pathlib.Path | None:
    """The test clock's file (mesh.clock), or None: off unless PADEL_TEST_CLOCK_FILE is set."""
    raw = env.str("PADEL_TEST_CLOCK_FILE")
    return pathlib.Path(raw).resolve() if raw else None


def service_address(env: Env, name: str, host: str | None = None) -> str:
    """Where callers reach service `name` (host:port): PADEL_<NAME>_ADDR, else `host` (this machine
    by default) on the service's port."""
    port = env.int(f"PADEL_{name.upper()}_PORT", SERVICES[name][0], 0, 65535)
    return env.str(f"PADEL_{name.upper()}_ADDR", f"{host or reach_host(env)}:{port}")


def directory_port(env: Env) -> int:
    return env.int("PADEL_EDGE_DIRECTORY_PORT", DIRECTORY_PORTS[0], 0, 65535)


def directory_address(env: Env) -> str:
    """Where the edge reaches its directory (host:port): PADEL_EDGE_DIRECTORY_ADDR, else this
    machine on PADEL_EDGE_DIRECTORY_PORT (in Kubernetes the directory is a sidecar of the edge)."""
    return env.str("PADEL_EDGE_DIRECTORY_ADDR", f"{reach_host(env)}:{directory_port(env)}")


def edge_port(env: Env) -> int:
    return env.int("PADEL_EDGE_PORT", EDGE_PORT, 1, 65535)


def edge_url(env: Env) -> str:
    """The edge's base URL on this machine, as the platform's own links should point at it."""
    return f"http://{reach_host(env)}:{edge_port(env)}"


def otlp_endpoint(env: Env) -> str:
    """PADEL_OTLP_ENDPOINT: the base URL of an OTLP/HTTP collector (`http://collector:4318`; spans go
    to `<it>/v1/traces`), without a trailing slash; "" when unset (mesh.tracing then writes files)."""
    raw = env.str("PADEL_OTLP_ENDPOINT").rstrip("/")
    parts = urllib.parse.urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if raw and (parts.scheme not in ("http", "https") or not parts.hostname or port == -1
                or parts.query or parts.fragment):
        raise SettingsError(f"PADEL_OTLP_ENDPOINT: expected an http(s)://host[:port] URL, got {raw!r}")
    return raw


def trace_sample_percent(env: Env) -> int:
    """PADEL_TRACE_SAMPLE_PERCENT: the share of new traces kept (spans recorded and exported), 0–100.
    Envoy decides for a request at the edge and sends the decision on in `traceparent`'s sampled
    flag, which every service follows; a service decides so itself only for work that starts a
    trace of its own (an RPC called past the edge, an event with no trace). An unkept trace's id
    still reaches the access log, the log lines and the events."""
    return env.int("PADEL_TRACE_SAMPLE_PERCENT", 100, 0, 100)


@dataclass(frozen=True)
class ServiceSettings:
    """What every server needs, whichever service it is."""

    name: str
    host: str
    port: int
    metrics_port: int
    database_url: str
    redis_url: str
    data_dir: pathlib.Path
    log_level: str
    workers: int
    grace_seconds: float
    # Server processes sharing the port (mesh.processes); each has `workers` threads.
    processes: int = 1
    token_issuer: str = "padel-auth"
    token_audience: str = "padel-platform"
    database_wait_seconds: float = 60.0
    version: str = VERSION
    # Where every service of the platform (this one included) is reached.
    addresses: dict[str, str] = field(default_factory=dict)
    # The edge's secret (mesh.origin); without one no caller is believed about its address.
    edge_secret_file: pathlib.Path | None = None
    # Where spans go (mesh.tracing): an OTLP/HTTP collector, else JSON lines under data_dir/traces
    # unless trace_files is off.
    otlp_endpoint: str = ""
    trace_files: bool = True
    trace_sample_percent: int = 100
    # The test clock (mesh.clock): a file of seconds that moves the service's time; None (the default) is off.
    test_clock_file: pathlib.Path | None = None

    @property
    def grpc_service(self) -> str:
        return GRPC_SERVICES[self.name]

    @classmethod
    def from_env(cls, name: str, environ: Mapping[str, str] | None = None) -> "ServiceSettings":
        env = Env(environ)
        prefix = f"PADEL_{name.upper()}_"
        folder = data_dir(env)
        grpc_port, metrics_port = SERVICES[name]
        return cls(
            name=name,
            host=env.str("PADEL_BIND_HOST", "127.0.0.1"),
            port=env.int(prefix + "PORT", grpc_port, 0, 65535),
            metrics_port=env.int(prefix + "METRICS_PORT", metrics_port, 0, 65535),
            database_url=env.str(prefix + "DATABASE_URL", f"sqlite:///{folder / (name + '.db')}"),
            redis_url=env.str("PADEL_REDIS_URL"),
            data_dir=folder,
            log_level=env.choice("PADEL_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
            workers=env.int(prefix + "WORKERS", WORKER_THREADS.get(name, DEFAULT_WORKER_THREADS), 1, 1024),
            processes=env.int(prefix + "PROCESSES", 1, 1, 64),
            grace_seconds=env.float("PADEL_SHUTDOWN_GRACE_SECONDS", 10.0),
            token_issuer=env.str("PADEL_TOKEN_ISSUER", "padel-auth"),
            token_audience=env.str("PADEL_TOKEN_AUDIENCE", "padel-platform"),
            database_wait_seconds=env.float("PADEL_DATABASE_WAIT_SECONDS", 60.0),
            addresses={service: service_address(env, service) for service in SERVICES},
            edge_secret_file=edge_secret_file(env),
            otlp_endpoint=otlp_endpoint(env),
            trace_files=env.bool("PADEL_TRACE_FILES", True),
            trace_sample_percent=trace_sample_percent(env),
            test_clock_file=test_clock_file(env),
        )
