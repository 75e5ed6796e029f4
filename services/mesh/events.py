"""Events between services: the transactional outbox, its relay to Redis Streams, and consumers.

A service records an event with `publish(session, stream, message)` in the same transaction as
the change it describes. `OutboxRelay` copies committed outbox rows to the Redis stream and then
marks them published; `EventConsumer` reads a stream with a consumer group, runs the handler and
records the event id in `processed_events` in one transaction, and acknowledges afterwards.
Delivery is at-least-once and handling effectively once; an event waits in the outbox while
Redis is down and in the stream while a consumer is down.

Stream entry fields: `id` (event id, a UUID), `type` (full protobuf name), `data` (serialized
message), `occurred_at` (ISO 8601, UTC).
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time
import uuid
import weakref
from typing import Any, Callable, Iterable, Sequence

import fakeredis
import redis
from google.protobuf.message import DecodeError, Message
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from sqlalchemy import Index, LargeBinary, MetaData, String, event, select, text, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from mesh.db import Database, UtcDateTime

log = logging.getLogger(__name__)

Handler = Callable[[Session, str, Message], None]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- tables ---------------------------------------------------------------------------------------


class EventBase(DeclarativeBase):
    """Mesh-owned tables present in every service database, apart from the service's models."""

    metadata = MetaData()


class OutboxEvent(EventBase):
    """An event committed with the change it describes, waiting to be relayed to Redis."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    stream: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(200))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        # Only unpublished rows are ever scanned; the partial index stays as small as the backlog.
        Index(
            "ix_outbox_unpublished",
            "created_at",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
    )


class ProcessedEvent(EventBase):
    """An event a consumer group has handled; its presence makes a redelivery a no-op."""

    __tablename__ = "processed_events"

    consumer_group: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handled_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


EVENT_TABLES = frozenset(EventBase.metadata.tables)


def create_event_tables(op: Any) -> None:
    """Create `outbox` and `processed_events`; called from a service's first Alembic migration.

    Takes `alembic.op` so every service creates the same tables from this one definition. A later
    change to these tables needs a new migration in each service.
    """
    bind = op.get_bind()
    for table in EventBase.metadata.sorted_tables:
        table.create(bind)


def drop_event_tables(op: Any) -> None:
    """Drop what `create_event_tables` created (the first migration's downgrade)."""
    bind = op.get_bind()
    for table in reversed(EventBase.metadata.sorted_tables):
        table.drop(bind)


# -- publishing -----------------------------------------------------------------------------------

# Relays running in this process; a commit that carried an event wakes them at once.
_relays: weakref.WeakSet[OutboxRelay] = weakref.WeakSet()
_WAKES_RELAYS = "mesh.events.wakes_relays"


def _wake_relays(_session: Session) -> None:
    for relay in list(_relays):
        relay.notify()


def publish(session: Session, stream: str, message: Message) -> str:
    """Record `message` for `stream` in the caller's transaction; returns the new event id.

    Nothing leaves the process unless that transaction commits.
    """
    event_id = str(uuid.uuid4())
    session.add(
        OutboxEvent(
            id=event_id,
            stream=stream,
            event_type=message.DESCRIPTOR.full_name,
            payload=message.SerializeToString(),
            created_at=_now(),
        )
    )
    if not session.info.get(_WAKES_RELAYS):
        event.listen(session, "after_commit", _wake_relays)
        session.info[_WAKES_RELAYS] = True
    return event_id


# -- Redis ----------------------------------------------------------------------------------------

_embedded_server: fakeredis.FakeServer | None = None
_embedded_lock = threading.Lock()


def make_redis(url: str) -> redis.Redis:
    """A Redis client for `url`; an empty url gives the in-process stand-in of the embedded shape.

    All embedded clients of one process share one fake server, so a relay and a consumer in the
    same process see the same streams.
    """
    global _embedded_server
    if not url:
        with _embedded_lock:
            if _embedded_server is None:
                _embedded_server = fakeredis.FakeServer()
        return fakeredis.FakeRedis(server=_embedded_server)
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=2,
        # Above the consumer's XREADGROUP block time, so a blocked read is not cut short.
        socket_timeout=5,
        health_check_interval=30,
        # The relay and consumers back off by themselves; the client's default of ten retries
        # would only hide an outage for several seconds per call.
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
    )


class _Outage:
    """Logs a dependency outage once when it starts and once when it ends, with backoff."""

    def __init__(self, what: str, first_delay: float, max_delay: float):
        self.what = what
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.delay = 0.0

    def failed(self, error: Exception) -> float:
        """Seconds to wait before trying again."""
        if not self.delay:
            log.warning("%s failing, will retry: %s", self.what, error)
            self.delay = self.first_delay
        else:
            self.delay = min(self.delay * 2, self.max_delay)
        return self.delay

    def succeeded(self) -> None:
        if self.delay:
            log.info("%s recovered", self.what)
            self.delay = 0.0


# -- relay ----------------------------------------------------------------------------------------


class OutboxRelay:
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
        poll_interval: float = 0.2,
        max_backoff: float = 5.0,
    ):
        self.database = database
        self.redis = redis_client
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._outage = _Outage("outbox relay", poll_interval, max_backoff)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        _relays.add(self)
        self._thread.start()

    def notify(self) -> None:
        """Look at the outbox now rather than at the next poll."""
        self._wake.set()

    def stop(self, flush: bool = True, timeout: float = 10.0) -> None:
        """Stop the thread; with `flush`, first send what is already committed (graceful exit)."""
        _relays.discard(self)
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if flush:
            try:
                self.publish_pending()
            except Exception as error:  # noqa: BLE001 - the rows stay for the next start
                log.warning("outbox not flushed at shutdown, rows wait for the next start: %s", error)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.publish_pending()
            except Exception as error:  # noqa: BLE001 - Redis or the database down: wait, retry
                self._stopping.wait(self._outage.failed(error))
                continue
            self._outage.succeeded()
            self._wake.wait(self.poll_interval)
            self._wake.clear()

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
                    row.published_at = _now()
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
                    .values(published_at=_now())
                )
        return len(rows)

    def _send(self, rows: Sequence[OutboxEvent]) -> None:
        if not rows:
            return
        pipe = self.redis.pipeline(transaction=False)
        for row in rows:
            pipe.xadd(
                row.stream,
                {
                    "id": row.id,
                    "type": row.event_type,
                    "data": row.payload,
                    "occurred_at": row.created_at.isoformat(),
                },
            )
        pipe.execute()


# -- consumer -------------------------------------------------------------------------------------


class EventConsumer:
    """A consumer group member on one or more streams, running registered handlers in a thread.

    Each handler runs as `handler(session, event_id, message)` in one transaction with the record
    of the event id in `processed_events`; the entry is acknowledged after the commit. A handler
    that raises leaves its entry pending: it is retried once idle for `claim_idle_seconds` (by this
    or another member, via XAUTOCLAIM). A restarted member with the same `name` first re-reads its
    own pending entries. Entries of types with no handler are acknowledged and skipped.
    """

    def __init__(
        self,
        database: Database,
        redis_client: redis.Redis,
        group: str,
        streams: Iterable[str],
        *,
        name: str | None = None,
        claim_idle_seconds: float = 30.0,
        batch_size: int = 50,
        block_ms: int = 1000,
        max_backoff: float = 5.0,
    ):
        self.database = database
        self.redis = redis_client
        self.group = group
        self.streams = list(streams)
        # The host name is the pod name under Kubernetes: a restarted container keeps it and so
        # finds its own pending entries.
        self.name = name or socket.gethostname()
        self.claim_idle_ms = int(claim_idle_seconds * 1000)
        self.batch_size = batch_size
        self.block_ms = block_ms
        self._handlers: dict[str, tuple[type[Message], Handler]] = {}
        self._outage = _Outage(f"event consumer {group}", 0.1, max_backoff)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def on(self, message_class: type[Message], handler: Handler) -> None:
        """Run `handler` for each event of `message_class` (one handler per type)."""
        self._handlers[message_class.DESCRIPTOR.full_name] = (message_class, handler)

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=f"events-{self.group}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the entry in hand; unacknowledged entries stay pending for the next start."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        ready = False  # groups created and own pending entries handled since (re)connecting
        next_claim = 0.0
        while not self._stopping.is_set():
            try:
                if not ready:
                    self._create_groups()
                    self._handle_own_pending()
                    ready = True
                if time.monotonic() >= next_claim:
                    self._claim_idle()
                    next_claim = time.monotonic() + self.claim_idle_ms / 2000
                self._read_new()
            except Exception as error:  # noqa: BLE001 - Redis down or stream lost: wait, retry
                ready = False
                self._stopping.wait(self._outage.failed(error))
                continue
            self._outage.succeeded()

    def _create_groups(self) -> None:
        for stream in self.streams:
            try:
                # From the start of the stream: events sent before this service first ran count.
                self.redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except redis.ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise

    def _handle_own_pending(self) -> None:
        """Entries delivered to this member before a restart and never acknowledged."""
        for stream in self.streams:
            after = "0"
            while not self._stopping.is_set():
                reply = self.redis.xreadgroup(
                    self.group, self.name, {stream: after}, count=self.batch_size
                )
                entries = reply[0][1] if reply else []
                if not entries:
                    break
                self._handle_entries(stream, entries)
                after = entries[-1][0]

    def _claim_idle(self) -> None:
        """Take over entries left pending too long by any member (a dead one, or a failed try)."""
        for stream in self.streams:
            start = "0-0"
            while not self._stopping.is_set():
                reply = self.redis.xautoclaim(
                    stream, self.group, self.name, self.claim_idle_ms, start, count=self.batch_size
                )
                start, entries = reply[0], reply[1]
                self._handle_entries(stream, entries)
                if start in (b"0-0", "0-0"):
                    break

    def _read_new(self) -> None:
        reply = self.redis.xreadgroup(
            self.group,
            self.name,
            {stream: ">" for stream in self.streams},
            count=self.batch_size,
            block=self.block_ms,
        )
        for stream, entries in reply or []:
            self._handle_entries(stream, entries)

    def _handle_entries(self, stream: str | bytes, entries: list[tuple[Any, Any]]) -> None:
        for entry_id, fields in entries:
            if self._stopping.is_set():
                return
            if self._handle(entry_id, fields or {}):
                self.redis.xack(stream, self.group, entry_id)

    def _handle(self, entry_id: bytes, fields: dict[bytes, bytes]) -> bool:
        """Handle one entry; True when it may be acknowledged."""
        event_id = fields.get(b"id", b"").decode()
        event_type = fields.get(b"type", b"").decode()
        registered = self._handlers.get(event_type)
        if not event_id or registered is None:
            log.debug("skipping entry %s of type %r: no handler", entry_id, event_type)
            return True
        message_class, handler = registered
        try:
            message = message_class.FromString(fields.get(b"data", b""))
        except DecodeError:
            log.error("dropping event %s: payload is not a valid %s", event_id, event_type)
            return True
        try:
            with self.database.session() as session:
                if session.get(ProcessedEvent, (self.group, event_id)) is not None:
                    return True
                # Recorded before the handler runs: a concurrent duplicate then waits on (or
                # fails on) this key instead of running the handler a second time.
                session.add(ProcessedEvent(consumer_group=self.group, event_id=event_id, handled_at=_now()))
                session.flush()
                handler(session, event_id, message)
        except Exception:  # noqa: BLE001 - a failing handler must not stop the others
            log.exception("handler for %s %s failed; it will be retried", event_type, event_id)
            return False
        return True
