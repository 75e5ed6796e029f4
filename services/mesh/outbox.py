"""The transactional outbox: a service records an event with `publish(session, stream, message)` in
the same transaction as the change it describes, so the event exists exactly when the change does.
`mesh.relay` sends committed rows on to Redis Streams; `mesh.consumer` reads them in other services.

The event tables (`outbox`, `processed_events`) are in every service's database, created by the
shared Alembic revisions in `services/mesh/migrations` (which write them out as they were: a change to
these models needs a new revision there). Each row keeps the W3C `traceparent` of the
work that wrote it (mesh.tracing), so the consumers' work joins that trace.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Callable

from google.protobuf.message import Message
from sqlalchemy import Index, LargeBinary, MetaData, String, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from mesh import tracing
from mesh.clock import utcnow
from mesh.sqltypes import UtcDateTime


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
    # Added by revision mesh_0002; None for an event written outside any trace.
    traceparent: Mapped[str | None] = mapped_column(String(55))

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


# Called after a commit that carried an event (the relays of this process, to send it at once).
_after_commit: list[Callable[[], None]] = []
_WAKES_RELAYS = "mesh.outbox.wakes_relays"


def on_commit(callback: Callable[[], None]) -> Callable[[], None]:
    """Run `callback` after each commit that published an event; returns what `forget` takes."""
    _after_commit.append(callback)
    return callback


def forget(callback: Callable[[], None]) -> None:
    if callback in _after_commit:
        _after_commit.remove(callback)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(_WAKES_RELAYS, False):
        for callback in list(_after_commit):
            callback()


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
            # The machine's time, never the test clock: the relay sends rows in this order.
            created_at=utcnow(),
            traceparent=tracing.current_traceparent(),
        )
    )
    session.info[_WAKES_RELAYS] = True  # `_committed`, the listener every Session has, wakes the relays
    return event_id
