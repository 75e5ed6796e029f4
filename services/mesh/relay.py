"""The outbox relay: copies committed outbox rows to their Redis streams, oldest first.

Stream entry fields: `id` (event id, a UUID), `type` (full protobuf name), `data` (serialized
message), `occurred_at` (ISO 8601, UTC), and `traceparent` (W3C) when the event was written in a trace.

`EventBacklog` exports what waits on either side of the stream: rows not yet relayed, and each
consumer group's entries not yet read or not yet acknowledged.
"""

from __future__ import annotations

import logging
from typing import Sequence

import redis
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, update

from mesh import outbox, tracing
from mesh.clock import utcnow
from mesh.db import Database
from mesh.jobs import Loop
from mesh.outbox import OutboxEvent

log = logging.getLogger(__name__)


class OutboxRelay(Loop):
    """A background thread copying committed outbox rows to their Redis streams, oldest first.

    On PostgreSQL several replicas relay at once: each batch is locked with `FOR UPDATE SKIP
    LOCKED` while it is sent. An XADD that succeeds before its commit fails is sent again later;
    consumers drop the duplicate by event id.
    """

    def __init__(
        self,
        database: Database,
        redis_client: redis.Redis,
        *,
        batch_size: int = 100,
        # A commit in this process wakes the relay at once, and a (re)started relay sends what is
        # waiting; the poll only finds rows nobody here woke it for (a replica that died before
        # relaying them), so it can be rare: each look cost an idle service 0.05 % of a core at 5 s.
        poll_interval: float = 30.0,
        max_backoff: float = 5.0,
    ):
        super().__init__("outbox relay", poll_interval, first_backoff=min(poll_interval, max_backoff),
                         max_backoff=max_backoff)
        self.database = database
        self.redis = redis_client
        self.batch_size = batch_size
        self._on_commit = None

    def start(self) -> None:
        # A commit in this process that carried an event wakes the relay at once.
        self._on_commit = outbox.on_commit(self.wake)
        super().start()

    def stop(self, flush: bool = True, timeout: float = 10.0) -> None:
        """Stop the thread; with `flush`, first send what is already committed (graceful exit)."""
        if self._on_commit is not None:
            outbox.forget(self._on_commit)
            self._on_commit = None
        super().stop(timeout)
        if flush:
            try:
                self.publish_pending()
            except Exception as error:  # noqa: BLE001 - the rows stay for the next start
                log.warning("outbox not flushed at shutdown, rows wait for the next start: %s", error)

    def step(self) -> bool:
        self.publish_pending()
        return False

    def publish_pending(self) -> int:
        """Send every committed, unpublished row now; returns how many were sent."""
        sent = 0
        while True:
            count = self._publish_batch()
            sent += count
            if count < self.batch_size:
                return sent

    def _publish_batch(self) -> int:
        pending = (
            select(OutboxEvent)
            .where(OutboxEvent.published_at.is_(None))
            .order_by(OutboxEvent.created_at, OutboxEvent.id)
            .limit(self.batch_size)
        )
        if self.database.is_postgres:
            with self.database.session() as session:
                rows = session.scalars(pending.with_for_update(skip_locked=True)).all()
                self._send(rows)
                for row in rows:
                    row.published_at = utcnow()
            return len(rows)
        # SQLite: the write lock is not held while Redis is being talked to (it would stall
        # every writer of the service for as long as Redis is slow). One relay per SQLite file.
        with self.database.session() as session:
            rows = session.scalars(pending).all()
        self._send(rows)
        if rows:
            with self.database.session() as session:
                session.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id.in_([row.id for row in rows]))
                    .values(published_at=utcnow())
                )
        return len(rows)

    def _send(self, rows: Sequence[OutboxEvent]) -> None:
        if not rows:
            return
        pipe = self.redis.pipeline(transaction=False)
        for row in rows:
            fields = {"id": row.id, "type": row.event_type, "data": row.payload,
                      "occurred_at": row.created_at.isoformat()}
            if row.traceparent:
                fields[tracing.TRACEPARENT] = row.traceparent
            pipe.xadd(row.stream, fields)
        pipe.execute()


class EventBacklog:
    """A Prometheus collector, read at each scrape (nothing runs between scrapes, and in a group of
    processes only the parent that serves the metrics asks): the service's outbox rows not yet
    relayed (`padel_outbox_unpublished_events`), and for each consumer group reading the service's
    stream, the entries it has not read yet (`padel_consumer_lag`) and those read but not yet
    acknowledged (`padel_consumer_pending`), from XINFO GROUPS. The publishing service reports its
    readers, so the lag of a group whose service is down still shows. A side that cannot be asked
    (database or Redis down) is left out of the scrape rather than failing it.
    """

    def __init__(self, database: Database, redis_client: redis.Redis, stream: str):
        self.database = database
        self.redis = redis_client
        self.stream = stream

    @staticmethod
    def describe() -> list[GaugeMetricFamily]:
        """The three families, without samples (their names are what the dashboard queries)."""
        labels = ("stream", "consumer_group")
        return [
            GaugeMetricFamily("padel_outbox_unpublished_events",
                              "Events committed to this service's outbox and not yet relayed to Redis."),
            GaugeMetricFamily("padel_consumer_lag", "Entries of the service's stream a consumer group has not "
                              "read yet.", labels=labels),
            GaugeMetricFamily("padel_consumer_pending", "Entries of the service's stream a consumer group has "
                              "read but not acknowledged (being handled, or failed and waiting for a retry).",
                              labels=labels),
        ]

    def collect(self) -> list[GaugeMetricFamily]:
        backlog, lag, pending = self.describe()
        try:
            with self.database.session(read_only=True) as session:
                backlog.add_metric([], session.scalar(
                    select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))))
        except Exception as error:  # noqa: BLE001 - a scrape must not fail with the database
            log.debug("outbox backlog not read: %s", error)
        try:
            groups = self.redis.xinfo_groups(self.stream)
        except redis.ResponseError:  # no such key: nobody published or reads the stream yet
            groups = []
        except redis.RedisError as error:
            log.debug("consumer lag not read: %s", error)
            groups = []
        for group in groups:
            name = group["name"].decode() if isinstance(group["name"], bytes) else group["name"]
            if group.get("lag") is not None:  # unknown after entries were deleted from the stream
                lag.add_metric([self.stream, name], group["lag"])
            pending.add_metric([self.stream, name], group["pending"])
        return [backlog, lag, pending]
