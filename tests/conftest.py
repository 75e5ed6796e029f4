"""Fixtures shared by every test folder: databases and Redis, embedded and real.

Real servers come from the environment: `PADEL_TEST_POSTGRES_URL` (a server where the user may
create databases, e.g. postgresql://postgres@127.0.0.1:5432/postgres) and `PADEL_TEST_REDIS_URL`
(e.g. redis://127.0.0.1:6379/14; that database and the next one are emptied; under pytest-xdist each worker
takes two of its own, padel_testkit.worker_share). Without them the tests that need them are skipped, except
under CI (env `CI` set), where a missing server is a failure.
"""

import json
import os
import uuid
from concurrent import futures
from typing import Callable, Iterator

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

pytest.register_assert_rewrite("padel_testkit", "notify_standins", "booking_testkit")

from padel_testkit import (Platform, ThrowawayDatabases, TokenIssuer, launch_platform, neighbour_database, real_server,
                           revocations_of_a_standin_auth, stop_platform, worker_share)


def pytest_configure(config):
    """Under pytest-xdist each worker takes its own ports and Redis databases (padel_testkit.worker_share);
    its environment says so, for the tests and for the platforms and tools they start."""
    os.environ.update(worker_share())


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`--dist loadfile --no-loadscope-reorder`) the files are handed to the workers
    in this order: those with a test marked slow first (one of them handed out last keeps a worker busy
    long after the other has finished), then the larger ones. A run without workers keeps its order."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    files: dict = {}
    for item in items:
        files.setdefault(item.path, []).append(item)

    def weight(tests) -> tuple[bool, int]:
        return not any(test.get_closest_marker("slow") for test in tests), -len(tests)

    items[:] = [item for tests in sorted(files.values(), key=weight) for item in tests]


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[ThrowawayDatabases]:
    databases = ThrowawayDatabases(real_server("PADEL_TEST_POSTGRES_URL"))
    yield databases
    databases.drop()


@pytest.fixture(scope="session")
def make_postgres_db(postgres_databases) -> Callable[[], str]:
    """Factory: each call creates an empty database `padel_test_<run>_<n>` and returns its URL.

    All of them are dropped when the test run ends.
    """
    return postgres_databases.make


@pytest.fixture
def postgres_url(postgres_databases) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database for this test (dropped in the background after it)."""
    url = postgres_databases.make()
    yield url
    postgres_databases.done(url)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """URL of a SQLite file (not yet created, in a folder not yet created) for this test."""
    return f"sqlite:///{tmp_path / 'data' / 'test.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, sqlite_url) -> str:
    """A fresh, empty database of each kind in turn: a SQLite file, then a PostgreSQL database."""
    return sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture(params=["embedded", pytest.param("real", marks=pytest.mark.redis)])
def redis_url(request) -> str:
    """A Redis URL, emptied: "" (the in-process stand-in `mesh.redis.make_redis` gives for an
    empty URL) or the real server of `PADEL_TEST_REDIS_URL`."""
    from mesh.redis import make_redis

    url = "" if request.param == "embedded" else real_server("PADEL_TEST_REDIS_URL")
    client = make_redis(url)
    client.flushdb()
    client.close()
    return url


# -- servers on port 0, tokens, the whole platform --------------------------------------------


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


@pytest.fixture(scope="session", autouse=True)
def standin_auth_revocations(token_issuer):
    """Services backed by the stand-in auth (`token_issuer`) find its revocation list loaded, as
    auth_svc keeps it (a Redis without one refuses every token: mesh.tokens.RevocationList)."""
    from mesh import plumbing

    original = revocations_of_a_standin_auth(token_issuer)
    yield
    plumbing.build = original


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


@pytest.fixture(scope="session")
def platform(tmp_path_factory) -> Iterator[Platform]:
    """The whole platform on the embedded default (SQLite, Redis stand-in), shared by the session, with
    the test clock (mesh.clock) on: `platform.clock_at(moment)` moves every service's business time, and
    booking's and match's jobs (offers run out, lotteries drawn, holds released, unfilled matches
    released, results confirmed) run every second rather than every half minute or minute, so a test
    sees them within moments of moving the clock."""
    folder = tmp_path_factory.mktemp("platform")
    running = launch_platform(folder, PADEL_TEST_CLOCK_FILE=str(folder / "test-clock"),
                              PADEL_BOOKING_JOB_INTERVAL_SECONDS="1", PADEL_MATCH_JOB_INTERVAL_SECONDS="1")
    yield running
    stop_platform(running)


@pytest.fixture(scope="session")
def platform_postgres(tmp_path_factory, make_postgres_db) -> Iterator[Platform]:
    """The whole platform on real PostgreSQL (one database per service) and real Redis."""
    redis_url = neighbour_database(real_server("PADEL_TEST_REDIS_URL"))
    from mesh.redis import make_redis
    from mesh.settings import SERVICES

    client = make_redis(redis_url)
    client.flushdb()
    client.close()
    databases = {f"PADEL_{s.upper()}_DATABASE_URL": make_postgres_db() for s in SERVICES}
    running = launch_platform(tmp_path_factory.mktemp("platform-pg"), PADEL_REDIS_URL=redis_url, **databases)
    yield running
    stop_platform(running)
