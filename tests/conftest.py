"""Fixtures shared by every test folder: databases and Redis, embedded and real.

Real servers come from the environment: `PADEL_TEST_POSTGRES_URL` (a server where the user may
create databases, e.g. postgresql://postgres@127.0.0.1:5432/postgres) and `PADEL_TEST_REDIS_URL`
(e.g. redis://127.0.0.1:6379/15; that database is flushed). Without them the tests that need
them are skipped, except under CI (env `CI` set), where a missing server is a failure.
"""

import json
import os
import uuid
from typing import Callable, Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url


def _real_server(variable: str) -> str:
    url = os.environ.get(variable, "").strip()
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{variable} is not set; CI must run the tests that need it")
        pytest.skip(f"{variable} not set")
    return url


def _libpq_url(url: str, database: str | None = None) -> str:
    """A SQLAlchemy PostgreSQL URL as psycopg's own connect() takes it."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def make_postgres_db() -> Iterator[Callable[[], str]]:
    """Factory: each call creates an empty database `padel_test_<run>_<n>` and returns its URL.

    All of them are dropped when the test run ends.
    """
    server = _real_server("PADEL_TEST_POSTGRES_URL")
    run = uuid.uuid4().hex[:8]
    created: list[str] = []

    def make() -> str:
        name = f"padel_test_{run}_{len(created)}"
        with psycopg.connect(_libpq_url(server), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return _libpq_url(server, name)

    yield make
    with psycopg.connect(_libpq_url(server), autocommit=True) as admin:
        for name in created:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def postgres_url(make_postgres_db: Callable[[], str]) -> str:
    """URL of a fresh, empty PostgreSQL database for this test."""
    return make_postgres_db()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """URL of a SQLite file (not yet created, in a folder not yet created) for this test."""
    return f"sqlite:///{tmp_path / 'data' / 'test.sqlite'}"


@pytest.fixture(params=["embedded", pytest.param("real", marks=pytest.mark.redis)])
def redis_url(request) -> str:
    """A Redis URL, emptied: "" (the in-process stand-in `mesh.events.make_redis` gives for an
    empty URL) or the real server of `PADEL_TEST_REDIS_URL`."""
    from mesh.events import make_redis

    url = "" if request.param == "embedded" else _real_server("PADEL_TEST_REDIS_URL")
    client = make_redis(url)
    client.flushdb()
    client.close()
    return url


# -- servers on port 0, tokens, the whole platform --------------------------------------------

import dataclasses
import pathlib
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from concurrent import futures
from datetime import datetime, timedelta, timezone

import grpc
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = pathlib.Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A free port below the kernel's ephemeral range (32768+), so outgoing connections made while
    the platform starts cannot take it before its server binds it."""
    while True:
        port = random.randint(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


@dataclasses.dataclass
class TokenIssuer:
    """A signing key whose JWKS is served over real gRPC as auth_svc would, for testing other services."""

    address: str
    key: rsa.RSAPrivateKey
    kid: str
    issuer: str = "padel-auth"
    audience: str = "padel-platform"

    def token(self, user_id: str | None = None, roles=("player",), *, key=None, algorithm="RS256",
              lifetime=timedelta(minutes=15), **claims) -> str:
        now = datetime.now(timezone.utc)
        payload = {"sub": user_id or str(uuid.uuid4()), "roles": list(roles), "iss": self.issuer,
                   "aud": self.audience, "iat": now, "exp": now + lifetime, "jti": uuid.uuid4().hex, **claims}
        return jwt.encode(payload, key if key is not None else self.key, algorithm=algorithm,
                          headers={"kid": self.kid})

    def metadata(self, user_id: str | None = None, roles=("player",)) -> tuple:
        return (("authorization", f"Bearer {self.token(user_id, roles)}"),)


@pytest.fixture(scope="session")
def token_issuer() -> Iterator[TokenIssuer]:
    from google.protobuf import json_format
    from padel.auth.v1 import auth_service_pb2, auth_service_pb2_grpc

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = "test-" + uuid.uuid4().hex[:8]
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    document = {"keys": [{**jwk, "kid": kid, "alg": "RS256", "use": "sig"}]}

    class Jwks(auth_service_pb2_grpc.AuthServiceServicer):
        def GetJwks(self, request, context):
            return json_format.ParseDict(document, auth_service_pb2.GetJwksResponse(), ignore_unknown_fields=True)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    auth_service_pb2_grpc.add_AuthServiceServicer_to_server(Jwks(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield TokenIssuer(address=f"127.0.0.1:{port}", key=key, kid=kid)
    server.stop(None)


@pytest.fixture
def start_service(tmp_path, token_issuer):
    """Factory: `start_service("booking", PADEL_BOOKING_DATABASE_URL=...)` builds the real server of
    that service on port 0 with the full interceptor chain and returns (host, channel).

    Tokens from `token_issuer` are accepted (its JWKS stands in for auth_svc) unless
    PADEL_AUTH_ADDR is given.
    """
    started = []

    def start(name: str, **env: str):
        environ = {"PADEL_DATA_DIR": str(tmp_path / "data"), f"PADEL_{name.upper()}_PORT": "0",
                   "PADEL_AUTH_ADDR": token_issuer.address, **env}
        module = __import__(f"{name}_svc.server", fromlist=["build_server"])
        settings = module.settings_from_env(environ)
        host, port = module.build_server(settings)
        host.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        started.append((host, channel))
        return host, channel

    yield start
    for host, channel in started:
        channel.close()
        host.stop(0)


@dataclasses.dataclass
class Platform:
    """A running `padel run` on free ports."""

    process: subprocess.Popen
    env: dict[str, str]
    data_dir: pathlib.Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PADEL_EDGE_PORT']}"

    @property
    def edge(self) -> str:
        return f"127.0.0.1:{self.env['PADEL_EDGE_PORT']}"

    def address(self, service: str) -> str:
        return f"127.0.0.1:{self.env[f'PADEL_{service.upper()}_PORT']}"

    def metrics_url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.env[f'PADEL_{service.upper()}_METRICS_PORT']}/metrics"

    def log(self, name: str) -> str:
        return (self.data_dir / "logs" / f"{name}.log").read_text(errors="replace")

    def token(self, user_id: str | None = None, roles=("player",), lifetime=timedelta(minutes=15)) -> str:
        """An access token signed with the running auth_svc's own key, as its Login would issue."""
        from auth_svc.keys import SigningKeys

        keys = SigningKeys.load(self.data_dir / "auth" / "signing-key.pem", [])
        now = datetime.now(timezone.utc)
        return keys.sign({"sub": user_id or str(uuid.uuid4()), "roles": list(roles), "iss": "padel-auth",
                          "aud": "padel-platform", "iat": now, "exp": now + lifetime, "jti": uuid.uuid4().hex})

    def headers(self, user_id: str | None = None, roles=("player",)) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token(user_id, roles)}"}


def launch_platform(data_dir: pathlib.Path, **extra_env: str) -> Platform:
    """Starts the whole platform with `python -m mesh.cli run` and waits until it says it runs."""
    env = {**os.environ, "PADEL_DATA_DIR": str(data_dir), "PYTHONPATH": f"{ROOT/'gen'}:{ROOT/'services'}:{ROOT}",
           "PADEL_EDGE_PORT": str(free_port()), "PADEL_EDGE_ADMIN_PORT": str(free_port()),
           "PADEL_EDGE_OPS_PORT": str(free_port()), "PADEL_EDGE_DIRECTORY_PORT": str(free_port()),
           "PADEL_EDGE_DIRECTORY_METRICS_PORT": str(free_port())}
    for service in ("auth", "user", "booking", "notify"):
        env[f"PADEL_{service.upper()}_PORT"] = str(free_port())
        env[f"PADEL_{service.upper()}_METRICS_PORT"] = str(free_port())
    env["PADEL_EDGE_DIRECTORY_ADDR"] = f"127.0.0.1:{env['PADEL_EDGE_DIRECTORY_PORT']}"
    env.update(extra_env)
    data_dir.mkdir(parents=True, exist_ok=True)
    output = (data_dir / "launcher.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "mesh.cli", "run"], cwd=ROOT, env=env,
                               stdout=output, stderr=subprocess.STDOUT)
    platform = Platform(process, env, data_dir)
    deadline = time.monotonic() + 120
    while "Ctrl-C stops everything" not in (data_dir / "launcher.log").read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_platform(platform)
            raise RuntimeError("platform did not start:\n" + (data_dir / "launcher.log").read_text())
        time.sleep(0.2)
    return platform


def stop_platform(platform: Platform) -> None:
    if platform.process.poll() is None:
        platform.process.send_signal(signal.SIGTERM)
        try:
            platform.process.wait(30)
        except subprocess.TimeoutExpired:
            platform.process.kill()


@pytest.fixture(scope="session")
def platform(tmp_path_factory) -> Iterator[Platform]:
    """The whole platform on the embedded default (SQLite, Redis stand-in), shared by the session."""
    running = launch_platform(tmp_path_factory.mktemp("platform"))
    yield running
    stop_platform(running)


def _neighbour_database(url: str) -> str:
    """The same Redis server, next database number. The session-long platform gets its own, or its
    consumer groups (named after the services) would take the events of service tests on the
    shared database, and the `redis_url` fixture's flush would wipe its streams."""
    parsed = urllib.parse.urlsplit(url)
    number = int(parsed.path.strip("/") or 0)
    return urllib.parse.urlunsplit(parsed._replace(path=f"/{(number + 1) % 16}"))


@pytest.fixture(scope="session")
def platform_postgres(tmp_path_factory, make_postgres_db) -> Iterator[Platform]:
    """The whole platform on real PostgreSQL (one database per service) and real Redis."""
    redis_url = _neighbour_database(_real_server("PADEL_TEST_REDIS_URL"))
    from mesh.events import make_redis

    client = make_redis(redis_url)
    client.flushdb()
    client.close()
    databases = {f"PADEL_{s.upper()}_DATABASE_URL": make_postgres_db() for s in ("auth", "user", "booking", "notify")}
    running = launch_platform(tmp_path_factory.mktemp("platform-pg"), PADEL_REDIS_URL=redis_url, **databases)
    yield running
    stop_platform(running)
