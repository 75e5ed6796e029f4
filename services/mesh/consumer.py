"""Event consumers: a consumer group member reads other services' streams and runs a handler per
event type. Delivery is at-least-once and handling effectively once: the event id is recorded in
`processed_events` in the handler's transaction, and the entry acknowledged after the commit; an
event waits in the stream while a consumer is down. Entries read together are handled in one
transaction and acknowledged at once (a consumer catching up pays one commit for many events; on
SQLite, whose one write lock that transaction holds, a commit at least every `sqlite_hold_seconds`).
Each event is handled in a span of the trace of the work that published it (mesh.tracing).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import time
from typing import Any, Callable, ContextManager, Iterable

import redis
from google.protobuf.message import DecodeError, Message
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mesh import tracing
from mesh.clock import utcnow
from mesh.db import Database
from mesh.jobs import Loop
from mesh.outbox import ProcessedEvent

log = logging.getLogger(__name__)

Handler = Callable[[Session, str, Message], None]
Wanted = Callable[[Message], bool]


def member_name() -> str:
    """This process's name in a consumer group, unique among the processes reading it: two members
    sharing a name would take each other's pending entries for their own. Under Kubernetes the host
    name is the pod's and a restarted container's process id is its first again, so it still finds
    its own pending entries; any other restarted process's are claimed once idle (XAUTOCLAIM)."""
    return f"{socket.gethostname()}-{os.getpid()}"


class EventConsumer(Loop):
    """A consumer group member on one or more streams, running registered handlers in a thread.

    Each handler runs as `handler(session, event_id, message)` in one transaction with the record
    of the event id in `processed_events` (the entries of one read share it); the entry is
    acknowledged after the commit. A handler that raises leaves its entry pending: it is retried once
    idle for `claim_idle_seconds` (by this or another member, via XAUTOCLAIM). A restarted member
    with the same `name` first re-reads its own pending entries. Entries of types with no handler,
    and events its `wanted` test turns down, are acknowledged and skipped, with no transaction.

    New entries are read on a connection of the consumer's own, blocking up to `block_ms` (4 s: an
    idle consumer wakes once per block, and every wake costs the process and Redis CPU); `stop`
    ends the blocked read at once (CLIENT UNBLOCK), so a longer block does not delay a shutdown.
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
        block_ms: int = 4000,  # below the client's 5 s socket timeout (mesh.redis)
        max_backoff: float = 5.0,
        sqlite_hold_seconds: float = 0.05,
    ):
        super().__init__(f"event consumer {group}", 0.0, first_backoff=0.1, max_backoff=max_backoff)
        self.database = database
        self.redis = redis_client
        self.group = group
        self.streams = list(streams)
        self.name = name or member_name()
        self.claim_idle_ms = int(claim_idle_seconds * 1000)
        self.batch_size = batch_size
        self.block_ms = block_ms
        # SQLite: a transaction of entries read together holds the database's one write lock, so it
        # ends once it held it this long (the rest follow in the next) and a request's write waits for
        # a part of a read, not all of it (a read of 50 notify events held it for seconds on a busy host).
        self.sqlite_hold_seconds = sqlite_hold_seconds
        # How many of a read's entries the next transaction takes (on SQLite: about as many as the last
        # one handled within its hold, so that few are recorded as handled only to be struck off again).
        self._together = batch_size
        self._handlers: dict[str, tuple[type[Message], Handler, Wanted | None]] = {}
        self._ready = False  # groups created and own pending entries handled since (re)connecting
        self._reader: redis.Redis | None = None  # the one connection the blocking reads use
        self._reader_id: int | None = None  # its CLIENT ID, to unblock it
        self._next_claim = 0.0

    def on(self, message_class: type[Message], handler: Handler, *, wanted: Wanted | None = None) -> None:
        """Run `handler` for each event of `message_class` (one handler per type); with `wanted`, only
        for the events it says yes to (e.g. the bookings of an open match among every booking): the
        others cost no transaction and no record, as they change nothing."""
        self._handlers[message_class.DESCRIPTOR.full_name] = (message_class, handler, wanted)

    def step(self) -> bool:
        if not self._ready:
            self._close_reader()
            self._reader = self.redis.client()
            self._reader_id = self._reader.client_id()
            self._create_groups()
            self._handle_own_pending()
            self._ready = True
        if time.monotonic() >= self._next_claim:
            self._claim_idle()
            self._next_claim = time.monotonic() + self.claim_idle_ms / 2000
        self._read_new()  # blocks up to block_ms when nothing is waiting
        return True

    def interrupted(self) -> None:
        self._ready = False

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        thread, deadline = self._thread, time.monotonic() + timeout
        # Until the thread ends by itself (it was handling, not reading) or its blocked read is cut
        # short: a read about to block when first asked would otherwise wait out its whole block.
        while thread is not None and thread.is_alive() and not self._unblocked() and time.monotonic() < deadline:
            thread.join(0.05)
        super().stop(max(0.0, deadline - time.monotonic()))
        self._close_reader()

    def _unblocked(self) -> bool:
        """True once a blocked read of this consumer answered "nothing" (or none can block: no
        connection yet, or Redis is gone and the read fails by itself)."""
        reader_id = self._reader_id
        if reader_id is None:
            return True
        try:
            return bool(self.redis.client_unblock(reader_id))
        except redis.RedisError:
            return True

    def _close_reader(self) -> None:
        reader, self._reader, self._reader_id = self._reader, None, None
        if reader is not None:
            reader.close()

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
            while not self.stopping:
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
            while not self.stopping:
                reply = self.redis.xautoclaim(
                    stream, self.group, self.name, self.claim_idle_ms, start, count=self.batch_size
                )
                start, entries = reply[0], reply[1]
                self._handle_entries(stream, entries)
                if start in (b"0-0", "0-0"):
                    break

    def _read_new(self) -> None:
        reply = self._reader.xreadgroup(
            self.group,
            self.name,
            {stream: ">" for stream in self.streams},
            count=self.batch_size,
            block=self.block_ms,
        )
        for stream, entries in reply or []:
            self._handle_entries(stream, entries)

    def _handle_entries(self, stream: str | bytes, entries: list[tuple[Any, Any]]) -> None:
        """Handles entries read together in one transaction with one acknowledgement (on SQLite, in as
        many as `sqlite_hold_seconds` asks): a consumer behind by many events pays one commit and one XACK for
        them all, not one each. When one of them fails, that transaction is rolled back and each entry
        left is handled in one of its own, so only the failing one stays pending (the others' handlers
        then ran twice, the first time rolled back: handlers write only through the session, and what
        must happen once, such as counting, waits for the commit with `mesh.db.after_commit`)."""
        while len(entries) > 1 and not self.stopping and (
                taken := self._handle_together(stream, entries[:self._together])):
            entries = entries[taken:]
        for entry_id, fields in entries:
            if self.stopping:
                return
            if self._handle(stream, entry_id, fields or {}):
                self.redis.xack(stream, self.group, entry_id)

    def _event(self, stream: str | bytes, entry_id: bytes, fields: dict[bytes, bytes]) -> _Event | None:
        """The entry's event, or None for an entry to acknowledge unhandled (no handler, not decodable,
        not wanted)."""
        event_id = fields.get(b"id", b"").decode()
        event_type = fields.get(b"type", b"").decode()
        registered = self._handlers.get(event_type)
        if not event_id or registered is None:
            log.debug("skipping entry %s of type %r: no handler", entry_id, event_type)
            return None
        message_class, handler, wanted = registered
        try:
            message = message_class.FromString(fields.get(b"data", b""))
        except DecodeError:
            log.error("dropping event %s: payload is not a valid %s", event_id, event_type)
            return None
        if wanted is not None and not wanted(message):
            return None
        return _Event(event_id, event_type, message, handler,
                      fields.get(tracing.TRACEPARENT.encode(), b"").decode() or None,
                      stream.decode() if isinstance(stream, bytes) else stream)

    def _record(self, session: Session, events: list[_Event]) -> set[str]:
        """Records `events` as handled by this group, in one statement; the ids recorded now (the others
        were handled before). Recorded before their handlers run: a concurrent duplicate (another
        member's transaction) then waits on (or fails on) the key instead of running a handler twice."""
        insert = (postgresql if self.database.is_postgres else sqlite).insert(_PROCESSED)
        at = utcnow()
        return set(session.execute(
            insert.on_conflict_do_nothing().returning(_PROCESSED.c.event_id),
            [{"consumer_group": self.group, "event_id": event_id, "handled_at": at}
             for event_id in dict.fromkeys(event.event_id for event in events)]).scalars())

    def _span(self, event: _Event) -> ContextManager[None]:
        return tracing.handling_event(event.traceparent, group=self.group, stream=event.stream,
                                      event_type=event.event_type, event_id=event.event_id)

    def _handle_together(self, stream: str | bytes, entries: list[tuple[Any, Any]]) -> int:
        """The first of `entries` handled in one transaction and acknowledged at once: all of them, or
        on SQLite those handled within `sqlite_hold_seconds`; how many (0: one of them failed, nothing
        written, nothing acknowledged). On SQLite the next transaction then takes as many entries as
        this one handled within its hold, or twice as many when it handled all it took in less."""
        events = [self._event(stream, entry_id, fields or {}) for entry_id, fields in entries]
        taken = len(entries)
        if not any(events):  # nothing a handler takes: no transaction
            self.redis.xack(stream, self.group, *(entry_id for entry_id, _ in entries))
            return taken
        try:
            hold = None if self.database.is_postgres else self.sqlite_hold_seconds
            with self.database.session() as session:
                began = time.monotonic()
                fresh = self._record(session, [event for event in events if event])
                for position, event in enumerate(events):
                    if event is None or event.event_id not in fresh:  # handled before, or twice in this read
                        continue
                    fresh.discard(event.event_id)
                    # A kept trace's statements are those of its span: flushed before and after it. The
                    # writes of a trace not kept wait for the commit (a flush is a cost of its own).
                    kept = tracing.kept(event.traceparent)
                    if kept:
                        session.flush()
                    with self._span(event):
                        event.handler(session, event.event_id, event.message)
                        if kept:
                            session.flush()
                    if hold is not None and time.monotonic() - began >= hold:
                        taken = position + 1
                        break
                if hold is not None:
                    self._together = taken if taken < len(entries) else min(2 * taken, self.batch_size)
                if fresh:  # held the lock long enough: the rest are handled in the next transaction
                    session.execute(delete(_PROCESSED).where(_PROCESSED.c.consumer_group == self.group,
                                                             _PROCESSED.c.event_id.in_(fresh)))
        except Exception:  # noqa: BLE001 - each entry is tried alone next, its failure logged there
            log.debug("entries read together failed; handling them one by one", exc_info=True)
            return 0
        self.redis.xack(stream, self.group, *(entry_id for entry_id, _ in entries[:taken]))
        return taken

    def _handle(self, stream: str | bytes, entry_id: bytes, fields: dict[bytes, bytes]) -> bool:
        """Handle one entry in a transaction of its own; True when it may be acknowledged."""
        event = self._event(stream, entry_id, fields)
        if event is None:
            return True
        with self._span(event):
            try:
                with self.database.session() as session:
                    if self._record(session, [event]):
                        event.handler(session, event.event_id, event.message)
            except Exception as error:  # noqa: BLE001 - a failing handler must not stop the others
                tracing.record_failure(error)
                log.exception("handler for %s %s failed; it will be retried", event.event_type, event.event_id)
                return False
        return True


_PROCESSED = ProcessedEvent.__table__


@dataclasses.dataclass(frozen=True)
class _Event:
    """A stream entry's event with the handler registered for its type."""

    event_id: str
    event_type: str
    message: Message
    handler: Handler
    traceparent: str | None
    stream: str
