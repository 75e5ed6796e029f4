"""What the tests (and the benchmarks) share beyond fixtures: real servers from the environment,
free ports, a token issuer, and the whole platform started as a newcomer starts it.

A module of its own, not conftest.py: every test folder may have a conftest.py, and `from conftest
import …` then finds whichever comes first on sys.path.
"""

import contextlib
import dataclasses
import functools
import itertools
import os
import pathlib
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from concurrent import futures
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import event
from sqlalchemy.engine import make_url

ROOT = pathlib.Path(__file__).resolve().parents[1]


def real_server(variable: str) -> str:
    url = os.environ.get(variable, "").strip()
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{variable} is not set; CI must run the tests that need it")
        pytest.skip(f"{variable} not set")
    return url


def libpq_url(url: str, database: str | None = None) -> str:
    """A SQLAlchemy PostgreSQL URL as psycopg's own connect() takes it."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


class ThrowawayDatabases:
    """Empty PostgreSQL databases `<prefix>_<run>_<n>` on `server`, each made by `make()` (which
    returns its URL). One a test is `done()` with is dropped in the background once the next one is
    made (by then that test has stopped what it started), while the next test runs; `drop()` drops
    the rest, four at a time (a drop mostly waits on the server's disk)."""

    def __init__(self, server: str, prefix: str = "padel_test"):
        self.server = server
        self.prefix = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.numbers = itertools.count()
        self.created: list[str] = []
        self.finished: list[str] = []
        self.dropper = futures.ThreadPoolExecutor(1)
        self.drops: list[futures.Future] = []

    def make(self) -> str:
        import psycopg
        from psycopg import sql

        name = f"{self.prefix}_{next(self.numbers)}"
        with psycopg.connect(libpq_url(self.server), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        self.drops += [self.dropper.submit(self._drop, finished) for finished in self.finished]
        self.finished.clear()
        return libpq_url(self.server, name)

    def done(self, url: str) -> None:
        """The test that used the database of `url` has finished with it."""
        name = make_url(url).database
        self.created.remove(name)
        self.finished.append(name)

    def _drop(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(libpq_url(self.server), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def drop(self) -> None:
        with futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(self._drop, self.created + self.finished))
        self.dropper.shutdown()
        for dropped in self.drops:
            dropped.result()


_handed_out: set[int] = set()


def port_block(environ=os.environ) -> tuple[int, int]:
    """The first and last port the tests may take (PADEL_TEST_PORTS). Two suites run side by side on
    one machine (two work trees) take disjoint blocks, e.g. 20000-23999."""
    low, high = (int(end) for end in environ.get("PADEL_TEST_PORTS", "20000-32000").split("-"))
    return low, high


def worker_share(environ=os.environ) -> dict[str, str]:
    """What a pytest-xdist worker (`-n N`) changes in its environment so that the workers stay out of
    each other's way: worker k of N takes the k-th of N equal slices of PADEL_TEST_PORTS, and the
    Redis databases 2k and 2k+1 after PADEL_TEST_REDIS_URL's, wrapping within 0..15 (tests empty
    their database and the next one, `neighbour_database`). Nothing outside xdist."""
    worker, count = environ.get("PYTEST_XDIST_WORKER"), int(environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if not worker:
        return {}
    if count > 8:
        raise pytest.UsageError(f"-n {count}: at most 8 workers, each empties two of Redis's 16 databases")
    k = int(worker.removeprefix("gw"))
    low, high = port_block(environ)
    size = (high - low + 1) // count
    share = {"PADEL_TEST_PORTS": f"{low + k * size}-{low + (k + 1) * size - 1}"}
    if environ.get("PADEL_TEST_REDIS_URL", "").strip():
        share["PADEL_TEST_REDIS_URL"] = redis_database(environ["PADEL_TEST_REDIS_URL"].strip(), 2 * k)
    return share


def free_port() -> int:
    """A free port below the kernel's ephemeral range (32768+), so outgoing connections made while
    the platform starts cannot take it before its server binds it; never the same one twice."""
    block = port_block()
    while True:
        port = random.randint(*block)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
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


def revocations_of_a_standin_auth(issuer: TokenIssuer):
    """Wraps `mesh.plumbing.build` so a service whose auth is the stand-in `issuer` checks tokens
    against Redis as always, with the revocation list loaded the way auth_svc loads it: the
    stand-in revokes nothing, and refills its (empty) list whenever Redis lost it. Services
    pointed at a real auth_svc are left alone. Returns the original, to restore."""
    from mesh import plumbing
    from mesh.tokens import RevocationList

    class StandInRevocations(RevocationList):
        def is_revoked(self, token_id: str, user_id: str, issued_at: int) -> bool:
            self.refill(lambda: ([], []))
            return super().is_revoked(token_id, user_id, issued_at)

    original = plumbing.build

    def build(settings, migrations, fetch_jwks=None):
        parts = original(settings, migrations, fetch_jwks)
        if fetch_jwks is None and settings.addresses.get("auth") == issuer.address:
            parts.revocations = parts.verifier.revocations = StandInRevocations(parts.redis)
        return parts

    plumbing.build = build
    return original


@dataclasses.dataclass
class Platform:
    """A running `padel run` on free ports."""

    process: subprocess.Popen
    env: dict[str, str]
    data_dir: pathlib.Path

    @property
    def settings(self):
        from mesh.settings import Env

        return Env(self.env)

    @property
    def url(self) -> str:
        from mesh.settings import edge_url

        return edge_url(self.settings)

    @property
    def edge(self) -> str:
        return self.url.removeprefix("http://")

    def address(self, service: str) -> str:
        from mesh.settings import service_address

        return service_address(self.settings, service)

    @property
    def directory(self) -> str:
        from mesh.settings import directory_address

        return directory_address(self.settings)

    def metrics_url(self, service: str) -> str:
        from mesh.settings import SERVICES

        port = self.settings.int(f"PADEL_{service.upper()}_METRICS_PORT", SERVICES[service][1])
        return f"http://127.0.0.1:{port}/metrics"

    def log(self, name: str) -> str:
        return (self.data_dir / "logs" / f"{name}.log").read_text(errors="replace")

    @contextlib.contextmanager
    def clock_at(self, moment: datetime):
        """Inside the block the platform's test clock (mesh.clock; every service's business time) starts from
        `moment` and runs on; real time again after. The platform must run with PADEL_TEST_CLOCK_FILE."""
        clock_file = pathlib.Path(self.env["PADEL_TEST_CLOCK_FILE"])
        clock_file.write_text(str((moment - datetime.now(timezone.utc)).total_seconds()))
        try:
            yield
        finally:
            clock_file.unlink()

    @functools.cached_property
    def _signing_keys(self):
        from auth_svc.keys import SigningKeys

        return SigningKeys.load(self.data_dir / "auth" / "signing-key.pem", [])

    def token(self, user_id: str | None = None, roles=("player",), lifetime=timedelta(minutes=15)) -> str:
        """An access token signed with the running auth_svc's own key, as its Login would issue."""
        keys = self._signing_keys
        now = datetime.now(timezone.utc)
        return keys.sign({"sub": user_id or str(uuid.uuid4()), "roles": list(roles), "iss": "padel-auth",
                          "aud": "padel-platform", "iat": now, "exp": now + lifetime, "jti": uuid.uuid4().hex})

    def headers(self, user_id: str | None = None, roles=("player",)) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token(user_id, roles)}"}

    def known_player(self, user_id: str | None = None) -> str:
        """A player user_svc knows (their profile is made by their first call, as after registering),
        so that others may invite them; a new one unless `user_id` is given."""
        import requests

        user_id = user_id or str(uuid.uuid4())
        answer = requests.get(f"{self.url}/api/users/profile", headers=self.headers(user_id), timeout=10)
        assert answer.status_code == 200, answer.text
        return user_id


def platform_env(data_dir: pathlib.Path, *, default_ports: bool = False, **extra_env: str) -> dict[str, str]:
    """The environment of a `padel run` with its data in `data_dir`: on free ports given as a user
    would give them (each server's PADEL_*_PORT, nothing else), or, with `default_ports`, on the
    defaults of the README."""
    env = {**os.environ, "PADEL_DATA_DIR": str(data_dir), "PYTHONPATH": f"{ROOT/'gen'}:{ROOT/'services'}:{ROOT}"}
    if default_ports:
        env = {name: value for name, value in env.items()
               if not (name.startswith("PADEL_") and name.endswith(("_PORT", "_ADDR")))}
    else:
        ports = ["PADEL_EDGE_PORT", "PADEL_EDGE_ADMIN_PORT", "PADEL_EDGE_OPS_PORT", "PADEL_EDGE_DIRECTORY_PORT",
                 "PADEL_EDGE_DIRECTORY_METRICS_PORT"]
        from mesh.settings import SERVICES

        for service in SERVICES:
            ports += [f"PADEL_{service.upper()}_PORT", f"PADEL_{service.upper()}_METRICS_PORT"]
        ports.append("PADEL_PAYMENT_STANDIN_PORT")
        env.update({variable: str(free_port()) for variable in ports})
    env.update(extra_env)
    return env


def launch_platform(data_dir: pathlib.Path, *, default_ports: bool = False, **extra_env: str) -> Platform:
    """Starts the whole platform with `python -m mesh.cli run` and waits until it says it runs."""
    env = platform_env(data_dir, default_ports=default_ports, **extra_env)
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


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_platform(platform: Platform) -> None:
    if platform.process.poll() is None:
        platform.process.send_signal(signal.SIGTERM)
        try:
            platform.process.wait(30)
        except subprocess.TimeoutExpired:
            platform.process.kill()


def publish_event(redis_client, stream: str, message, event_id: str | None = None, *,
                  handled_by: str | None = None) -> str:
    """Adds an event to `stream` exactly as mesh's outbox relay writes it; returns its event id.

    With `handled_by` (a consumer group), returns once that group has read and acknowledged it,
    so a test can tell an event that changed nothing from one not handled yet.
    """
    event_id = event_id or str(uuid.uuid4())
    entry = redis_client.xadd(stream, {"id": event_id, "type": message.DESCRIPTOR.full_name,
                                       "data": message.SerializeToString(),
                                       "occurred_at": datetime.now(timezone.utc).isoformat()})

    def position(entry_id) -> tuple[int, ...]:
        return tuple(int(p) for p in (entry_id.decode() if isinstance(entry_id, bytes) else entry_id).split("-"))

    def handled() -> bool:
        for group in redis_client.xinfo_groups(stream):
            name = group["name"].decode() if isinstance(group["name"], bytes) else group["name"]
            if name == handled_by:
                return not group["pending"] and position(group["last-delivered-id"]) >= position(entry)
        return False

    if handled_by:
        eventually(handled, f"{handled_by} handles {message.DESCRIPTOR.name}")
    return event_id


def redis_database(url: str, step: int) -> str:
    """The same Redis server, `step` database numbers further (wrapping within 0..15)."""
    parsed = urllib.parse.urlsplit(url)
    number = int(parsed.path.strip("/") or 0)
    return urllib.parse.urlunsplit(parsed._replace(path=f"/{(number + step) % 16}"))


def neighbour_database(url: str) -> str:
    """The same Redis server, next database number. The session-long platform gets its own, or its
    consumer groups (named after the services) would take the events of service tests on the
    shared database, and the `redis_url` fixture's flush would wipe its streams."""
    return redis_database(url, 1)


def eventually(check, what: str = "", timeout: float = 30.0, interval: float = 0.05):
    """The first truthy result of `check()`, polled until `timeout` (what events and background jobs
    do takes a moment); an AssertionError naming `what` (or the check) after that."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what or check}")
        time.sleep(interval)


def _counted(statement: str) -> bool:
    return not statement.startswith("--") and statement.split()[0] not in ("BEGIN", "COMMIT", "ROLLBACK")


def statements(db, action) -> list[str]:
    """The SQL statements `action` sends, as the driver sees them (transaction control and SQLite's
    trigger programs left out): SQLAlchemy's and a version check's (`first_row`) alike."""
    sent: list[str] = []

    def note(statement) -> None:
        if _counted(str(statement)):
            sent.append(str(statement))

    if db.is_postgres:
        import psycopg

        class Counted(psycopg.Cursor):
            def execute(self, query, *args, **kwargs):
                note(query)
                return super().execute(query, *args, **kwargs)

            def executemany(self, query, *args, **kwargs):
                note(query)
                return super().executemany(query, *args, **kwargs)

    def watch(dbapi_connection, _record, _proxy) -> None:
        if db.is_postgres:
            dbapi_connection.cursor_factory = Counted
        else:
            dbapi_connection.set_trace_callback(note)

    def unwatch(dbapi_connection, _record) -> None:
        if db.is_postgres:
            dbapi_connection.cursor_factory = psycopg.Cursor
        else:
            dbapi_connection.set_trace_callback(None)

    event.listen(db.engine, "checkout", watch)
    event.listen(db.engine, "checkin", unwatch)
    try:
        action()
    finally:
        event.remove(db.engine, "checkout", watch)
        event.remove(db.engine, "checkin", unwatch)
    return sent


def executed(db, action) -> list[str]:
    """The statements `action` runs through SQLAlchemy's execution (what the tracer records),
    transaction control left out."""
    sent: list[str] = []
    note = lambda _conn, _cursor, statement, *_rest: _counted(statement) and sent.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return sent
