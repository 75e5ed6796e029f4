"""What every service builds the same way before its own parts: database (migrated), Redis,
outbox relay, token verifier and the clock of its business time (mesh.clock). Only the
construction differs between shapes, never the code."""

import logging
import pathlib
import time
from dataclasses import dataclass
from typing import Callable

import redis
import sqlalchemy.exc
from prometheus_client import REGISTRY, CollectorRegistry

from mesh import peers, tracing
from mesh.clock import Clock, reading
from mesh.db import Database
from mesh.redis import make_redis
from mesh.relay import EventBacklog, OutboxRelay
from mesh.settings import ServiceSettings
from mesh.tokens import RevocationList, TokenVerifier

log = logging.getLogger("padel.plumbing")


def stream(service: str) -> str:
    """The Redis stream a service publishes its events on."""
    return f"padel.{service}.events"


@dataclass
class Plumbing:
    database: Database
    redis: redis.Redis
    relay: OutboxRelay
    revocations: RevocationList
    verifier: TokenVerifier
    clock: Clock


def _migrate(database: Database, migrations: pathlib.Path, wait_seconds: float) -> None:
    """Runs the service's migrations, waiting for the database to come up (pods start in any order)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            database.migrate(migrations)
            return
        except sqlalchemy.exc.OperationalError as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"database unreachable after {wait_seconds:.0f}s: {exc.orig}") from None
            log.warning("waiting for the database")
            time.sleep(1)


def build(settings: ServiceSettings, migrations: pathlib.Path,
          fetch_jwks: Callable[[], dict] | None = None) -> Plumbing:
    """`fetch_jwks` defaults to asking auth_svc; auth_svc passes its own key store."""
    database = Database(settings.database_url)
    _migrate(database, migrations, settings.database_wait_seconds)
    tracing.watch_database(database.engine)
    client = tracing.watch_redis(make_redis(settings.redis_url))
    revocations = RevocationList(client)
    verifier = TokenVerifier(fetch_jwks or peers.jwks_fetcher(settings.addresses["auth"]),
                             settings.token_issuer, settings.token_audience, revocations)
    return Plumbing(database, client, OutboxRelay(database, client), revocations, verifier,
                    Clock(reading(settings.test_clock_file)))


def export_event_backlog(settings: ServiceSettings, registry: CollectorRegistry = REGISTRY) -> None:
    """Puts the service's outbox backlog and its readers' lag (mesh.relay.EventBacklog) on the
    metrics `registry` serves: called where the metrics port is served (the one process, or a
    group's parent), so every service exports them and a group counts them once. Nothing for a
    server without a database (the edge directory has no outbox)."""
    if not settings.database_url:
        return
    registry.register(EventBacklog(Database(settings.database_url, pool_size=1, max_overflow=1),
                                   make_redis(settings.redis_url), stream(settings.name)))
