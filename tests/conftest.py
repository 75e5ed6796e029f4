"""Fixtures shared by every test folder: databases and Redis, embedded and real.

Real servers come from the environment: `PADEL_TEST_POSTGRES_URL` (a server where the user may
create databases, e.g. postgresql://postgres@127.0.0.1:5432/postgres) and `PADEL_TEST_REDIS_URL`
(e.g. redis://127.0.0.1:6379/15; that database is flushed). Without them the tests that need
them are skipped, except under CI (env `CI` set), where a missing server is a failure.
"""

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
