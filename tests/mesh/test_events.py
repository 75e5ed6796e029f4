"""mesh.outbox, mesh.relay and mesh.consumer end to end: outbox → relay → Redis stream → consumer, on SQLite and PostgreSQL,
on the embedded Redis stand-in and on real Redis, including Redis and consumer restarts."""

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from typing import Callable

import fakeredis
import pytest
import redis
from prometheus_client import CollectorRegistry, generate_latest
from google.protobuf.wrappers_pb2 import Int32Value, StringValue
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from sqlalchemy import String, event, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from mesh.db import Database
from mesh.consumer import EventConsumer
from mesh.outbox import EventBase, OutboxEvent, ProcessedEvent, publish
from mesh.redis import make_redis
from mesh.relay import EventBacklog, OutboxRelay
from padel_testkit import ROOT, eventually, free_port, real_server

STREAM = "padel.test.events"
GROUP = "test_svc"


class Base(DeclarativeBase):
    pass


class Court(Base):
    """A business row written with an event, and by handlers, to see what was committed."""

    __tablename__ = "court"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)


def _met(condition: Callable[[], bool]) -> bool:
    try:
        return condition()
    except redis.ResponseError as error:  # NOGROUP: the consumer has not created its group yet
        if "NOGROUP" not in str(error):
            raise
        return False


def wait_for(condition: Callable[[], bool]) -> None:
    """`eventually`, for a condition that may ask about a consumer group not created yet."""
    eventually(lambda: _met(condition), repr(condition))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request):
    database = Database(request.getfixturevalue(f"{request.param}_url"))
    EventBase.metadata.create_all(database.engine)
    Base.metadata.create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def bus(redis_url):
    client = make_redis(redis_url)
    yield client
    client.close()


class RedisThatFails:
    """A Redis the test can take down and bring back: a fake server, or a redis-server process
    of our own on a free port (started without persistence, so a restart empties it)."""

    def __init__(self, kind: str):
        self.kind = kind
        if kind == "embedded":
            self.server = fakeredis.FakeServer()
            self.client = fakeredis.FakeRedis(server=self.server)
            return
        if not shutil.which("redis-server"):
            if os.environ.get("CI"):
                pytest.fail("redis-server not found")
            pytest.skip("redis-server not found")
        self.port = free_port()  # below the ephemeral range: no outgoing connection takes it meanwhile
        self.process: subprocess.Popen | None = None
        self.up()
        self.client = make_redis(f"redis://127.0.0.1:{self.port}/0")

    def up(self) -> None:
        if self.kind == "embedded":
            self.server.connected = True
            return
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        probe = redis.Redis(port=self.port)
        wait_for(lambda: _answers(probe))
        probe.close()

    def down(self) -> None:
        if self.kind == "embedded":
            self.server.connected = False
            return
        assert self.process is not None
        self.process.terminate()
        self.process.wait()
        self.process = None

    def close(self) -> None:
        self.client.close()
        if self.kind == "real" and self.process is not None:
            self.down()


def _answers(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture(params=["embedded", pytest.param("real", marks=pytest.mark.redis)])
def failing_redis(request):
    target = RedisThatFails(request.param)
    yield target
    target.close()


def record(database: Database, name: str, stream: str = STREAM) -> str:
    """A use case: one court row and its event, committed together."""
    with database.session() as session:
        session.add(Court(name=name))
        return publish(session, stream, StringValue(value=name))


def stored_courts(database: Database) -> list[str]:
    with database.session() as session:
        return sorted(session.scalars(select(Court.name)))


def unpublished(database: Database) -> int:
    with database.session() as session:
        return session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
        )


class Handled:
    """A handler that writes a court row per event (in the consumer's transaction) and counts
    its calls; `fail` makes it raise for the named events."""

    def __init__(self):
        self.calls: list[str] = []
        self.fail: set[str] = set()

    def __call__(self, session: Session, event_id: str, message: StringValue) -> None:
        self.calls.append(message.value)
        if message.value in self.fail:
            raise RuntimeError(f"cannot handle {message.value}")
        session.add(Court(name=f"handled {message.value}"))


def handled_rows(database: Database) -> list[str]:
    return [name.removeprefix("handled ") for name in stored_courts(database) if name.startswith("handled ")]


def consumer(database: Database, client: redis.Redis, handler: Handled, **options) -> EventConsumer:
    options = {"name": "worker-1", "block_ms": 100, "max_backoff": 0.3} | options
    member = EventConsumer(database, client, GROUP, [STREAM], **options)
    member.on(StringValue, handler)
    return member


def test_event_committed_with_change_reaches_the_stream(database, bus):
    relay = OutboxRelay(database, bus)
    relay.start()
    try:
        event_id = record(database, "Court 1")
        wait_for(lambda: bus.xlen(STREAM) == 1)
    finally:
        relay.stop()
    [(_, fields)] = bus.xrange(STREAM)
    assert fields[b"id"].decode() == event_id
    assert fields[b"type"] == b"google.protobuf.StringValue"
    assert StringValue.FromString(fields[b"data"]).value == "Court 1"
    assert fields[b"occurred_at"].decode().endswith("+00:00")
    assert unpublished(database) == 0


def test_rolled_back_change_publishes_nothing(database, bus):
    with pytest.raises(RuntimeError):
        with database.session() as session:
            session.add(Court(name="Court 1"))
            publish(session, STREAM, StringValue(value="Court 1"))
            raise RuntimeError("court name taken")
    assert OutboxRelay(database, bus).publish_pending() == 0
    assert bus.exists(STREAM) == 0
    assert stored_courts(database) == []


def test_events_are_published_in_commit_order(database, bus):
    names = [f"Court {n}" for n in range(7)]
    for name in names:
        record(database, name)
    assert OutboxRelay(database, bus, batch_size=3).publish_pending() == 7
    assert [StringValue.FromString(f[b"data"]).value for _, f in bus.xrange(STREAM)] == names


def test_relay_keeps_events_while_redis_is_down(database, failing_redis, caplog):
    relay = OutboxRelay(database, failing_redis.client, max_backoff=0.2)
    relay.start()
    try:
        failing_redis.down()
        record(database, "Court 1")
        record(database, "Court 2")
        time.sleep(0.5)
        assert unpublished(database) == 2
        failing_redis.up()
        wait_for(lambda: unpublished(database) == 0)
    finally:
        relay.stop()
    assert failing_redis.client.xlen(STREAM) == 2
    # One warning for the outage, not one per retry.
    assert len([r for r in caplog.records if "outbox relay failing" in r.message]) == 1


def test_backlog_and_lag_are_exported_while_events_wait(database, failing_redis):
    """What an operator charts: rows waiting in the outbox while the relay cannot publish, and
    entries waiting for a consumer group while its consumer is stopped; both drain after."""
    registry = CollectorRegistry()
    registry.register(EventBacklog(database, failing_redis.client, STREAM))

    def scraped(name: str, of_group: bool = False) -> float | None:
        generate_latest(registry)  # the scrape itself never fails, whichever side is down
        return registry.get_sample_value(name, {"stream": STREAM, "consumer_group": GROUP} if of_group else {})

    relay, handler = OutboxRelay(database, failing_redis.client, max_backoff=0.2), Handled()
    member = consumer(database, failing_redis.client, handler)
    relay.start()
    member.start()
    try:
        record(database, "a")
        wait_for(lambda: handled_rows(database) == ["a"])
        assert scraped("padel_outbox_unpublished_events") == 0
        wait_for(lambda: scraped("padel_consumer_pending", of_group=True) == 0)
        assert scraped("padel_consumer_lag", of_group=True) == 0

        member.stop()
        record(database, "b")
        record(database, "c")
        wait_for(lambda: scraped("padel_outbox_unpublished_events") == 0)
        assert scraped("padel_consumer_lag", of_group=True) == 2
        member.start()
        wait_for(lambda: scraped("padel_consumer_lag", of_group=True) == 0 and scraped("padel_consumer_pending", of_group=True) == 0)
        assert handled_rows(database) == ["a", "b", "c"]

        failing_redis.down()
        record(database, "d")
        assert scraped("padel_outbox_unpublished_events") == 1
        assert scraped("padel_consumer_lag", of_group=True) is None  # Redis cannot be asked: left out
        failing_redis.up()
        wait_for(lambda: scraped("padel_outbox_unpublished_events") == 0)
    finally:
        member.stop()
        relay.stop()


def test_stop_flushes_pending_events(database, bus):
    relay = OutboxRelay(database, bus, poll_interval=60)
    relay.start()
    time.sleep(0.1)  # the thread has had its first look at an empty outbox
    with Session(database.engine) as session, session.begin():
        # A plain Session, so the commit does not wake the relay: only stop() can send it.
        session.add(
            OutboxEvent(
                id="e-1",
                stream=STREAM,
                event_type="google.protobuf.StringValue",
                payload=b"",
                created_at=dt.datetime.now(dt.timezone.utc),
            )
        )
    relay.stop(flush=True)
    assert bus.xlen(STREAM) == 1


def test_each_event_is_handled_once_despite_duplicates(database, bus):
    first = record(database, "a")
    record(database, "b")
    relay = OutboxRelay(database, bus)
    relay.publish_pending()
    # The same event sent twice more, as a relay that crashed before marking it would.
    [(_, fields), _] = bus.xrange(STREAM)
    assert fields[b"id"].decode() == first
    bus.xadd(STREAM, fields)
    bus.xadd(STREAM, fields)
    handler = Handled()
    member = consumer(database, bus, handler)
    member.start()
    try:
        wait_for(lambda: bus.xpending(STREAM, GROUP)["pending"] == 0 and len(handled_rows(database)) == 2)
    finally:
        member.stop()
    assert sorted(handler.calls) == ["a", "b"]  # the duplicates never reached the handler
    assert handled_rows(database) == ["a", "b"]


def test_consumer_restart_loses_nothing(database, bus):
    names = [f"e{n}" for n in range(10)]
    for name in names:
        record(database, name)
    OutboxRelay(database, bus).publish_pending()

    # First life: some events fail (e.g. a dependency is down) and then the process dies.
    first_life = Handled()
    first_life.fail = {"e3", "e7"}
    member = consumer(database, bus, first_life)
    member.start()
    wait_for(lambda: set(first_life.calls) == set(names))
    member.stop()
    assert bus.xpending(STREAM, GROUP)["pending"] == 2

    # Entries read by this member but never handled: it died right after XREADGROUP.
    record(database, "e10")
    record(database, "e11")
    OutboxRelay(database, bus).publish_pending()
    assert len(bus.xreadgroup(GROUP, "worker-1", {STREAM: ">"}, count=2)[0][1]) == 2

    # Second life, same name: its pending entries come first, then the rest of the stream.
    record(database, "e12")
    OutboxRelay(database, bus).publish_pending()
    second_life = Handled()
    member = consumer(database, bus, second_life)
    member.start()
    try:
        wait_for(lambda: len(handled_rows(database)) == 13 and bus.xpending(STREAM, GROUP)["pending"] == 0)
    finally:
        member.stop()
    assert sorted(second_life.calls) == ["e10", "e11", "e12", "e3", "e7"]
    assert handled_rows(database) == sorted(names + ["e10", "e11", "e12"])


def test_entries_of_a_dead_member_are_claimed_by_another(database, bus):
    record(database, "a")
    record(database, "b")
    OutboxRelay(database, bus).publish_pending()
    bus.xgroup_create(STREAM, GROUP, id="0")
    bus.xreadgroup(GROUP, "dead-pod", {STREAM: ">"})  # read, then the pod vanished for good

    handler = Handled()
    member = consumer(database, bus, handler, name="live-pod", claim_idle_seconds=0.2)
    member.start()
    try:
        wait_for(lambda: handled_rows(database) == ["a", "b"])
        wait_for(lambda: bus.xpending(STREAM, GROUP)["pending"] == 0)
    finally:
        member.stop()


def commits_of(database: Database, thread_name: str) -> list[str]:
    """A list that grows with each transaction the thread `thread_name` commits on `database`."""
    commits: list[str] = []

    def committed(_connection) -> None:
        if threading.current_thread().name == thread_name:
            commits.append(thread_name)

    event.listen(database.engine, "commit", committed)
    return commits


def handled_read(database: Database, bus: redis.Redis, names: list[str], **options) -> tuple[Handled, list[str]]:
    """Events `names` published, then handled by a consumer (`options`) until none is pending: the
    handler and the consumer's commits."""
    for name in names:
        record(database, name)
    OutboxRelay(database, bus).publish_pending()
    handler = Handled()
    member = consumer(database, bus, handler, **options)
    commits = commits_of(database, member.label)
    member.start()
    try:
        wait_for(lambda: bus.xpending(STREAM, GROUP)["pending"] == 0 and len(handled_rows(database)) == len(names))
    finally:
        member.stop()
    return handler, commits


def test_events_read_together_are_handled_in_one_transaction(database, bus):
    names = [f"e{n}" for n in range(6)]
    handler, commits = handled_read(database, bus, names, sqlite_hold_seconds=60.0)
    assert handler.calls == names and handled_rows(database) == names
    assert len(commits) == 1  # one commit for the six events, not one each


def test_the_record_of_events_read_together_is_one_statement(database, bus):
    """Whether events were handled before, and the record that they are, is one statement for a
    read's events (it was a look-up, then an insert per event): every event of every consumer pays it."""
    names = [f"e{n}" for n in range(6)]
    recorded: list[str] = []

    def sent(_connection, _cursor, statement, *_rest) -> None:
        if threading.current_thread().name == f"event consumer {GROUP}" and "processed_events" in statement:
            recorded.append(statement)

    event.listen(database.engine, "before_cursor_execute", sent)
    handler, commits = handled_read(database, bus, names, sqlite_hold_seconds=60.0)
    assert handler.calls == names and handled_rows(database) == names
    assert len(commits) == 1 and len(recorded) == 1


@pytest.mark.parametrize("kept", [True, False])
def test_events_of_a_trace_not_kept_are_written_at_the_commit_not_flushed_one_by_one(database, bus, kept):
    """A kept trace's statements belong to its event's span, so each event's writes are flushed as it
    ends; a trace the edge did not keep (PADEL_TRACE_SAMPLE_PERCENT) records no span, and its events'
    writes go together at the commit: one flush for the read, not one per event (a flush is
    SQLAlchemy's unit of work, a cost beyond its rows)."""
    names = [f"e{n}" for n in range(6)]
    flushes: list[str] = []

    def flushed(_session, _context) -> None:
        if threading.current_thread().name == f"event consumer {GROUP}":
            flushes.append("flush")

    published_in = NonRecordingSpan(SpanContext(
        trace_id=random.getrandbits(128) | 1, span_id=random.getrandbits(64) | 1, is_remote=False,
        trace_flags=TraceFlags(TraceFlags.SAMPLED if kept else TraceFlags.DEFAULT)))
    event.listen(Session, "after_flush", flushed)
    token = otel_context.attach(trace.set_span_in_context(published_in))  # the outbox keeps its traceparent
    try:
        handler, commits = handled_read(database, bus, names, sqlite_hold_seconds=60.0)
    finally:
        otel_context.detach(token)
        event.remove(Session, "after_flush", flushed)
    assert handler.calls == names and handled_rows(database) == names and len(commits) == 1
    assert len(flushes) == (len(names) if kept else 1)


def test_on_sqlite_events_read_together_commit_once_they_held_the_write_lock_long_enough(database, bus):
    """SQLite has one write lock, which the transaction of a read's events holds: past `sqlite_hold_seconds`
    (here at once) the events handled so far commit and the rest follow, so a request's write never waits
    for the whole read. PostgreSQL locks rows, not the database: one transaction for the read."""
    names = [f"e{n}" for n in range(4)]
    handler, commits = handled_read(database, bus, names, sqlite_hold_seconds=0.0)
    assert handler.calls == names and handled_rows(database) == names  # each handled once
    assert len(commits) == (1 if database.is_postgres else 4)


def test_on_sqlite_a_transaction_cut_short_records_few_events_it_then_strikes_off(database, bus, monkeypatch):
    """Events read together are recorded as handled before their handlers run, and those a transaction
    cut short by its hold did not reach are struck off again. The next transaction takes about as many
    as the last one handled (here one each), not the whole rest of the read recorded anew each time."""
    names = [f"e{n}" for n in range(8)]
    recorded: list[int] = []

    def sent(_connection, statement, parameters, *_rest) -> None:
        if threading.current_thread().name == f"event consumer {GROUP}" and \
                getattr(statement, "table", None) is not None and statement.table.name == "processed_events" \
                and statement.is_insert:
            recorded.append(len(parameters) if isinstance(parameters, list) else 1)

    event.listen(database.engine, "before_execute", sent)
    handler, commits = handled_read(database, bus, names, sqlite_hold_seconds=0.0, batch_size=8)
    assert handler.calls == names and handled_rows(database) == names  # each handled once
    if database.is_postgres:
        assert recorded == [8]
    else:  # was 8 + 7 + … + 2 = 35 records written (and 28 struck off) for 8 events
        assert len(commits) == 8 and sum(recorded) <= 2 * len(names), recorded


def test_one_failing_event_of_those_read_together_is_the_only_one_left_pending(database, bus):
    names = [f"e{n}" for n in range(5)]
    for name in names:
        record(database, name)
    OutboxRelay(database, bus).publish_pending()
    handler = Handled()
    handler.fail = {"e2"}
    member = consumer(database, bus, handler)
    member.start()
    try:
        wait_for(lambda: "e4" in handler.calls)  # the read stopped at e2; e4 comes when each is tried alone
        wait_for(lambda: bus.xpending(STREAM, GROUP)["pending"] == 1)
    finally:
        member.stop()
    assert handled_rows(database) == ["e0", "e1", "e3", "e4"]  # each once, e2's rollback took none with it
    [pending] = bus.xpending_range(STREAM, GROUP, min="-", max="+", count=10)
    [(entry_id, fields)] = bus.xrange(STREAM, pending["message_id"], pending["message_id"])
    assert StringValue.FromString(fields[b"data"]).value == "e2"


def test_events_without_a_handler_are_acknowledged(database, bus):
    with database.session() as session:
        publish(session, STREAM, Int32Value(value=7))
        publish(session, STREAM, StringValue(value="a"))
    OutboxRelay(database, bus).publish_pending()
    bus.xadd(STREAM, {"junk": "no event fields"})
    handler = Handled()
    member = consumer(database, bus, handler)
    member.start()
    try:
        wait_for(lambda: handled_rows(database) == ["a"])
        wait_for(lambda: bus.xpending(STREAM, GROUP)["pending"] == 0)
    finally:
        member.stop()
    assert handler.calls == ["a"]


def test_events_a_consumer_does_not_want_are_acknowledged_without_a_transaction(database, bus):
    """A handler for some events of a type (e.g. bookings of an open match among every booking): the
    others cost no transaction, no record of the event id, and are acknowledged all the same."""
    for name in ("skip 1", "keep", "skip 2"):
        record(database, name)
    OutboxRelay(database, bus).publish_pending()
    handler = Handled()
    member = EventConsumer(database, bus, GROUP, [STREAM], name="worker-1", block_ms=100, max_backoff=0.3)
    member.on(StringValue, handler, wanted=lambda message: not message.value.startswith("skip"))
    commits = commits_of(database, member.label)
    member.start()
    try:
        wait_for(lambda: handled_rows(database) == ["keep"] and bus.xpending(STREAM, GROUP)["pending"] == 0)
        for name in ("skip 3", "skip 4"):  # read together, none wanted
            record(database, name)
        OutboxRelay(database, bus).publish_pending()
        [(last, _)] = bus.xrevrange(STREAM, count=1)
        wait_for(lambda: bus.xinfo_groups(STREAM)[0]["last-delivered-id"] == last
                 and bus.xpending(STREAM, GROUP)["pending"] == 0)
    finally:
        member.stop()
    assert handler.calls == ["keep"]
    assert len(commits) == 1  # the wanted event's transaction only
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


def test_redis_restart_loses_no_event(database, failing_redis):
    """Invariant 3: committed while Redis was down, delivered after it came back (to a stream
    and group that the restart wiped, for the real server)."""
    relay = OutboxRelay(database, failing_redis.client, max_backoff=0.2)
    handler = Handled()
    member = consumer(database, failing_redis.client, handler, max_backoff=0.2)
    relay.start()
    member.start()
    try:
        record(database, "before")
        wait_for(lambda: handled_rows(database) == ["before"])
        failing_redis.down()
        record(database, "during")
        time.sleep(0.4)
        failing_redis.up()
        wait_for(lambda: handled_rows(database) == ["before", "during"])
    finally:
        member.stop()
        relay.stop()
    assert unpublished(database) == 0


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_an_idle_consumer_waits_in_its_blocking_read_instead_of_spinning(database, bus, monkeypatch):
    """An idle consumer costs one XREADGROUP per block time, also on the embedded stand-in (fakeredis
    2.40 answered a COUNT + BLOCK read at once, so every idle consumer re-read in a tight loop)."""
    client = bus
    reads = []
    original = type(client).xreadgroup  # the consumer reads on a connection of its own (client.client())

    def counting(self, *args, **kwargs):
        reads.append(kwargs.get("block"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(client), "xreadgroup", counting)
    consumer = EventConsumer(database, client, "idle-group", ["padel.idle.events"], block_ms=200)
    consumer.start()
    try:
        # The thread may be slow to start on a busy machine: the five block times count from its first read.
        wait_for(lambda: any(reads))
        time.sleep(1.0)  # five block times
    finally:
        consumer.stop()
    blocking_reads = [block for block in reads if block]
    assert 1 <= len(blocking_reads) <= 10, f"{len(blocking_reads)} blocking reads in five block times"


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("redis_url", ["embedded"], indirect=True)  # no socket timeout cuts the block short
def test_stopping_a_consumer_ends_its_blocked_read(database, bus, monkeypatch):
    """A consumer blocks long between events (few wakes at idle), yet `stop` does not wait out the
    block: the read is unblocked and the thread ends (here the block outlasts the stop's wait)."""
    reads = []
    original = type(bus).xreadgroup

    def counting(self, *args, **kwargs):
        reads.append(kwargs.get("block"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(bus), "xreadgroup", counting)
    consumer = EventConsumer(database, bus, "patient-group", ["padel.patient.events"], block_ms=600_000)
    consumer.start()
    thread = consumer._thread
    eventually(lambda: 600_000 in reads, "the consumer's blocking read")
    consumer.stop(timeout=60)
    assert not thread.is_alive()


READ_ONE_ENTRY = """
import sys
from mesh.consumer import EventConsumer
from mesh.redis import make_redis

member = EventConsumer(None, make_redis(sys.argv[1]), "replicas", ["padel.replicas.events"], batch_size=1)
member.step()  # joins the group and reads one new entry
print(member.name)
"""


@pytest.mark.redis
def test_two_replicas_on_one_host_are_two_members_of_the_group():
    """Two processes of one service on one host (two booking_svc replicas, or the worker processes of
    one) each own what they read: had they one name, each would take the other's pending entries
    for its own on restart, and XAUTOCLAIM could not tell a dead member from a live one."""
    url = real_server("PADEL_TEST_REDIS_URL")
    client = make_redis(url)
    client.flushdb()
    client.xadd("padel.replicas.events", {"id": "e-1"})
    client.xadd("padel.replicas.events", {"id": "e-2"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / part) for part in ("gen", "services", "."))}
    names = [subprocess.run([sys.executable, "-c", READ_ONE_ENTRY, url], env=env, capture_output=True, text=True,
                            check=True, timeout=60).stdout.strip() for _ in range(2)]
    members = {member["name"].decode() for member in client.xinfo_consumers("padel.replicas.events", "replicas")}
    client.close()
    assert names[0] != names[1]
    assert members == set(names)
