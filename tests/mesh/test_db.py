"""mesh.db on SQLite and real PostgreSQL: sessions, ping, migrations and fault mapping."""

import datetime as dt
import pathlib
import sys
import textwrap
import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import event, inspect, select, text

from mesh.db import Database, _SharedReads, after_commit, is_database_fault, normalize_url
from mesh.outbox import EVENT_TABLES, EventBase, OutboxEvent, publish
from mesh.errors import Unavailable
from padel_testkit import eventually


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def database(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def migrations(tmp_path) -> pathlib.Path:
    """A tiny service migration folder: the shared env.py and one revision after mesh's 0001."""
    folder = tmp_path / "migrations"
    (folder / "versions").mkdir(parents=True)
    (folder / "env.py").write_text("from mesh.db import run_migrations_online\n\nrun_migrations_online()\n")
    (folder / "versions" / "0002_courts.py").write_text(
        textwrap.dedent(
            '''
            """Courts, after the event tables every service starts with."""
            import sqlalchemy as sa
            from alembic import op

            revision = "0002"
            down_revision = "0001"


            def upgrade():
                op.create_table(
                    "court",
                    sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(50), nullable=False, unique=True),
                )


            def downgrade():
                op.drop_table("court")
            '''
        )
    )
    return folder


def test_url_pins_psycopg_and_refuses_other_databases():
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///x.db").drivername == "sqlite"
    with pytest.raises(ValueError, match="mysql"):
        normalize_url("mysql://u@h/db")


def test_no_engine_until_used(sqlite_url):
    database = Database(sqlite_url)
    assert database._engine is None
    assert not pathlib.Path(database.url.database).parent.exists()
    assert database.ping()
    assert pathlib.Path(database.url.database).exists()
    database.dispose()


def test_sqlite_settings(sqlite_url):
    database = Database(sqlite_url)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    database.dispose()


def test_migrate_creates_tables_and_is_idempotent(database, migrations):
    database.migrate(migrations)
    database.migrate(migrations)
    tables = set(inspect(database.engine).get_table_names())
    assert {"court", "outbox", "processed_events", "alembic_version"} <= tables
    with database.session() as session:
        # The service's head and mesh's own (mesh_0002: the outbox's traceparent).
        assert set(session.scalars(text("SELECT version_num FROM alembic_version"))) == {"0002", "mesh_0002"}
        assert session.scalars(select(OutboxEvent)).all() == []


def test_a_database_migrated_before_traces_gets_the_outbox_traceparent(database, migrations):
    database.migrate(migrations)
    # What a database migrated before mesh_0002 existed looks like: no column, only the service's head.
    with database.session() as session:
        session.execute(text("ALTER TABLE outbox DROP COLUMN traceparent"))
        session.execute(text("DELETE FROM alembic_version WHERE version_num = 'mesh_0002'"))
    assert "traceparent" not in {c["name"] for c in inspect(database.engine).get_columns("outbox")}
    database.migrate(migrations)
    assert "traceparent" in {c["name"] for c in inspect(database.engine).get_columns("outbox")}
    with database.session() as session:
        assert set(session.scalars(text("SELECT version_num FROM alembic_version"))) == {"0002", "mesh_0002"}


def test_the_event_tables_migrated_are_the_outbox_models_with_the_unpublished_index(database, migrations):
    """mesh's revision 0001 writes the tables out as they were (it once built them from the live models):
    what every service's history creates is still exactly what mesh.outbox's models describe."""
    database.migrate(migrations)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        drift = [d for d in compare_metadata(context, EventBase.metadata) if _table_of(d) in EVENT_TABLES]
        if database.is_postgres:
            index = connection.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_outbox_unpublished'"))
        else:
            index = connection.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'ix_outbox_unpublished'"))
    assert drift == []
    assert "(created_at)" in index and "published_at IS NULL" in index
    with database.session() as session:
        publish(session, "padel.test.events", Timestamp(seconds=1))
    with database.session() as session:
        [row] = session.scalars(select(OutboxEvent)).all()
        assert (row.event_type, row.published_at, row.created_at.tzinfo) == (
            "google.protobuf.Timestamp", None, dt.timezone.utc)


def _table_of(difference) -> str:
    """The table an autogenerate difference is about (a column's changes come as a list of tuples)."""
    kind, *parts = difference[0] if isinstance(difference, list) else difference
    if kind.endswith("_table"):
        return parts[0].name
    if kind.endswith(("_index", "_constraint", "_fk")):
        return parts[0].table.name
    return parts[1]  # (schema, table, column, …)


def test_replicas_migrating_at_once_do_not_race(database_url, migrations):
    replicas = [Database(database_url) for _ in range(4)]
    errors: list[BaseException] = []

    def start(replica: Database) -> None:
        try:
            replica.migrate(migrations)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=start, args=(replica,)) for replica in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for replica in replicas:
        replica.dispose()
    assert errors == []


def test_session_commits_or_rolls_back(database, migrations):
    database.migrate(migrations)
    with database.session() as session:
        session.execute(text("INSERT INTO court (name) VALUES ('Court 1')"))
    with pytest.raises(RuntimeError):
        with database.session() as session:
            session.execute(text("INSERT INTO court (name) VALUES ('Court 2')"))
            raise RuntimeError("domain rule broken")
    with database.session() as session:
        assert session.execute(text("SELECT name FROM court")).scalars().all() == ["Court 1"]


def test_after_commit_runs_each_action_once_its_transaction_commits_never_after_a_rollback(sqlite_url):
    database = Database(sqlite_url)
    ran: list[str] = []
    with database.session() as session:
        after_commit(session, lambda: ran.append("counted"))
        after_commit(session, lambda: ran.append("counted again"))
        assert ran == []  # not before the change is durable
    assert ran == ["counted", "counted again"]
    with pytest.raises(RuntimeError):
        with database.session() as session:
            after_commit(session, lambda: ran.append("rolled back"))
            raise RuntimeError("the change failed")
    with database.session():
        pass
    assert ran == ["counted", "counted again"]
    database.dispose()


def test_concurrent_writers_wait_instead_of_failing(database, migrations):
    """Read-then-write transactions from many threads all succeed (BEGIN IMMEDIATE on SQLite)."""
    database.migrate(migrations)
    with database.session() as session:
        session.execute(text("INSERT INTO court (name) VALUES ('n0')"))
    errors: list[BaseException] = []

    def add_court() -> None:
        try:
            for _ in range(5):
                with database.session() as session:
                    count = session.execute(text("SELECT count(*) FROM court")).scalar_one()
                    session.execute(text(f"INSERT INTO court (name) VALUES ('n{count}-{threading.get_ident()}')"))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=add_court) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM court")).scalar_one() == 21


def test_statement_errors_are_not_database_faults(database, migrations):
    from sqlalchemy.exc import IntegrityError

    database.migrate(migrations)
    with pytest.raises(IntegrityError) as caught:
        with database.session() as session:
            session.execute(text("INSERT INTO court (name) VALUES ('same'), ('same')"))
    assert not is_database_fault(caught.value)


def test_unreachable_database_is_unavailable(unused_port):
    database = Database(f"postgresql://postgres@127.0.0.1:{unused_port}/padel")
    assert database.ping() is False
    with pytest.raises(Unavailable, match="database unavailable"):
        with database.session() as session:
            session.execute(text("SELECT 1"))
    with pytest.raises(Unavailable, match="database unavailable"):
        database.first_row(select(text("1")))
    database.dispose()


_COURTS = select(text("count(*) FROM court"))


def test_first_row_reads_in_no_transaction_and_leaves_the_connection_as_sessions_need_it(database, migrations):
    """A version check (`first_row`) holds no transaction open (no BEGIN, no COMMIT to send), sees
    what was committed a moment before, goes through none of SQLAlchemy's execution (whose events
    the tracer hooks), and the pooled connection still starts proper transactions."""
    database.migrate(migrations)
    sent = _statements_sent(database)
    for name in ("Court 1", "Court 2"):
        seen = database.first_row(_COURTS)[0]
        assert not _in_transaction(database)
        with database.session() as session:
            session.execute(text(f"INSERT INTO court (name) VALUES ('{name}')"))
    assert seen == 1
    assert database.first_row(_COURTS) == (2,)
    assert database.first_row(select(text("name FROM court WHERE name = :name")), {"name": "Court 9"}) is None
    assert not any("court" in statement and "INSERT" not in statement for statement in sent)


@pytest.fixture
def postgres_database(postgres_url):
    database = Database(postgres_url)
    yield database
    database.dispose()


@pytest.mark.postgres
def test_version_checks_asked_at_once_share_a_statement_begun_after_each_was_asked(postgres_database, migrations):
    """PostgreSQL: calls of `first_row` made while the same read is under way wait for one statement
    begun after all of them asked: each sees what was committed before it asked (never the answer of
    the read already under way, which began before the commit), and the three make one statement."""
    database = postgres_database
    database.migrate(migrations)
    asked = _Callers(database, fail=())
    first = asked.ask("first")
    asked.eventually_waiting(first)  # its statement has run; its answer is not given yet
    with database.session() as session:
        session.execute(text("INSERT INTO court (name) VALUES ('Court 2')"))
    later = [asked.ask(name) for name in ("second", "third", "fourth")]
    asked.finish(first, later)
    assert asked.answers == {"first": (1,), "second": (2,), "third": (2,), "fourth": (2,)}
    assert asked.runs == ["first", "second"]


@pytest.mark.postgres
def test_a_failed_shared_version_check_answers_none_of_the_calls_waiting_for_it(postgres_database, migrations):
    database = postgres_database
    database.migrate(migrations)
    asked = _Callers(database, fail=("second",))
    first = asked.ask("first")
    asked.eventually_waiting(first)
    later = [asked.ask(name) for name in ("second", "third", "fourth")]
    asked.finish(first, later)
    assert asked.answers == {"first": (1,), "third": (1,), "fourth": (1,)}
    assert isinstance(asked.errors["second"], Unavailable)
    assert asked.runs[:2] == ["first", "second"] and sorted(asked.runs[2:]) == ["fourth", "third"]


def test_the_calls_waiting_for_a_shared_read_are_handed_its_end_one_by_one(monkeypatch):
    """The end of a shared read wakes the calls waiting for it one after another, each handing it on,
    rather than notifying all of them to contend for one condition at once (threading.Event: a lock
    made per waiting call and a notify of each, the hand-off's largest CPU cost, bench/README); each
    still takes the row of the run it waited for, and one asking after that run ended does not wait."""
    conditions: list[str] = []
    callers: set[int] = set()  # the calls' threads, by ident (current_thread() itself waits on one)
    for name in ("wait", "notify", "notify_all"):
        def counted(self, *args, _original=getattr(threading.Condition, name), _name=name, **kwargs):
            if threading.get_ident() in callers:
                conditions.append(_name)
            return _original(self, *args, **kwargs)
        monkeypatch.setattr(threading.Condition, name, counted)
    reads, gate, runs, answers = _SharedReads(), threading.Lock(), [], {}
    gate.acquire()

    def run():
        runs.append(threading.current_thread().name)
        if len(runs) == 1:
            with gate:  # the first run stays under way until the others wait
                pass
        return (len(runs),)

    def call(name: str) -> threading.Thread:
        def asks() -> None:
            callers.add(threading.get_ident())
            try:
                answers[name] = reads.read("day", run)
            finally:
                callers.discard(threading.get_ident())  # a later thread may get the same ident

        thread = threading.Thread(target=asks, name=f"call {name}", daemon=True)
        thread.start()
        return thread

    first = call("first")
    eventually(lambda: runs, "the first run under way")
    later = [call(name) for name in ("second", "third", "fourth")]
    for thread in later:
        _Callers.eventually_waiting(thread)
    gate.release()
    for thread in [first, *later]:
        thread.join(10)
    last = call("after")
    last.join(10)
    assert answers == {"first": (1,), "second": (2,), "third": (2,), "fourth": (2,), "after": (3,)}
    assert runs == ["call first", "call second", "call after"]
    assert conditions == []


class _Callers:
    """Threads calling `database.first_row(_COURTS)` (one court in it), each named; the thread named
    "first" holds its answer until `finish`; the read of a thread named in `fail` fails after its
    statement ran."""

    def __init__(self, database, fail: tuple[str, ...]):
        with database.session() as session:
            session.execute(text("INSERT INTO court (name) VALUES ('Court 1')"))
        self.database, self.release = database, threading.Event()
        self.runs: list[str] = []
        self.answers: dict[str, tuple] = {}
        self.errors: dict[str, Exception] = {}
        read = database._first_row

        def read_watched(statement, params):
            name = threading.current_thread().name
            self.runs.append(name)
            row = read(statement, params)
            if name == "first":
                self.release.wait()
            if name in fail:
                raise Unavailable("database unavailable; try again shortly")
            return row

        database._first_row = read_watched

    def ask(self, name: str) -> threading.Thread:
        def call():
            try:
                self.answers[name] = self.database.first_row(_COURTS)
            except Unavailable as error:
                self.errors[name] = error

        thread = threading.Thread(target=call, name=name, daemon=True)
        thread.start()
        return thread

    @staticmethod
    def eventually_waiting(thread: threading.Thread) -> None:
        """Until `thread` is blocked in a wait (its own for "first", else for the read it takes)."""
        eventually(lambda: getattr(getattr(sys._current_frames().get(thread.ident), "f_code", None), "co_name", "")
                   == "wait", f"{thread.name} waiting")

    def finish(self, first: threading.Thread, later: list[threading.Thread]) -> None:
        for thread in later:
            self.eventually_waiting(thread)
        self.release.set()
        for thread in [first, *later]:
            thread.join(10)


def test_sqlite_transactions_begin_on_the_driver_and_a_held_write_lock_is_a_fault(sqlite_url, migrations,
                                                                                  monkeypatch):
    """A write takes SQLite's write lock as it begins (BEGIN IMMEDIATE), a read does not (BEGIN); both
    are sent on the driver's connection, so SQLAlchemy's execution, whose events the tracer hooks,
    sees only the work's own statements (no span per transaction). Another writer holding the lock
    past the busy timeout still makes the session Unavailable, as a failed statement would."""
    import sqlite3

    monkeypatch.setattr("mesh.db.SQLITE_BUSY_TIMEOUT_MS", 50)
    database = Database(sqlite_url)
    database.migrate(migrations)
    by_driver: list[str] = []
    event.listen(database.engine, "connect", lambda dbapi, _record: dbapi.set_trace_callback(by_driver.append))
    database.engine.dispose()  # the next connections are new ones, traced
    executed = _statements_sent(database)
    with database.session() as session:
        session.execute(text("INSERT INTO court (name) VALUES ('Court 1')"))
    with database.session(read_only=True) as session:
        session.execute(text("SELECT count(*) FROM court")).scalar_one()
    assert [s for s in by_driver if s.startswith(("BEGIN", "INSERT", "SELECT count", "COMMIT"))] == [
        "BEGIN IMMEDIATE", "INSERT INTO court (name) VALUES ('Court 1')", "COMMIT",
        "BEGIN", "SELECT count(*) FROM court", "COMMIT"]
    assert executed == ["INSERT INTO court (name) VALUES ('Court 1')", "SELECT count(*) FROM court"]

    holder = sqlite3.connect(database.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Unavailable):
            with database.session() as session:
                session.execute(text("INSERT INTO court (name) VALUES ('Court 2')"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with database.session() as session:  # the pool's connection is usable again
        session.execute(text("INSERT INTO court (name) VALUES ('Court 2')"))
    database.dispose()


def _in_transaction(database) -> bool:
    """Whether the pooled connection a version check just used is inside a transaction."""
    connection = database.engine.raw_connection()
    try:
        dbapi = connection.dbapi_connection
        if hasattr(dbapi, "info"):  # psycopg: IDLE, and autocommit off again for the sessions
            return dbapi.info.transaction_status != 0 or dbapi.autocommit
        return dbapi.in_transaction
    finally:
        connection.close()


def _statements_sent(database) -> list[str]:
    sent: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda _c, _cur, statement, *_rest: sent.append(statement))
    return sent


def test_unreachable_database_is_a_fault(unused_port):
    database = Database(f"postgresql://postgres@127.0.0.1:{unused_port}/padel")
    with pytest.raises(Exception) as caught:
        with database.engine.connect():
            pass
    assert is_database_fault(caught.value)
    database.dispose()


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_joined_unit_of_work_commits_and_rolls_back_with_its_callers_transaction(database, migrations):
    from mesh.db import Joined
    from mesh.clock import utcnow

    database.migrate(migrations)

    def use_case(uow, event_id):
        with uow.session() as session:
            session.add(OutboxEvent(id=event_id, stream="s", event_type="t", payload=b"", created_at=utcnow()))

    with database.session() as session:
        use_case(Joined(session), "kept")
    with pytest.raises(RuntimeError), database.session() as session:
        use_case(Joined(session), "dropped")
        raise RuntimeError("the caller's transaction fails after the use case")
    with database.session() as session:
        assert [row.id for row in session.scalars(select(OutboxEvent))] == ["kept"]


def test_a_read_only_session_reads_while_a_writer_holds_the_database(database, migrations):
    """A read needs no write turn: it sees the last committed state while a write is under way
    (on SQLite a read taking BEGIN IMMEDIATE would wait for the writer instead)."""
    database.migrate(migrations)
    with database.session() as session:
        session.execute(text("INSERT INTO court (name) VALUES ('Court 1')"))
    writing, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with database.session() as session:
            session.execute(text("INSERT INTO court (name) VALUES ('Court 2')"))
            writing.set()
            release.wait(30)

    writer = threading.Thread(target=slow_writer)
    writer.start()
    try:
        assert writing.wait(30)
        seen: list[list[str]] = []
        reader = threading.Thread(target=lambda: seen.append(_court_names(database)))
        reader.start()
        reader.join(10)
        assert seen == [["Court 1"]], "the read waited for the writer instead of reading the last commit"
    finally:
        release.set()
        writer.join()
    assert _court_names(database) == ["Court 1", "Court 2"]


def _court_names(database) -> list[str]:
    with database.session(read_only=True) as session:
        return list(session.execute(text("SELECT name FROM court ORDER BY name")).scalars())


@pytest.mark.postgres
def test_a_pooled_connection_is_checked_only_after_idling_and_a_dropped_pool_is_replaced(postgres_url, monkeypatch):
    """A connection in steady use is handed out without a ping (a round trip); one that idled is
    pinged, so connections the server dropped (a restart) are replaced before any statement fails.
    A drop under steady use fails one statement, after which the whole pool is new."""
    from mesh import db as mesh_db

    database = Database(postgres_url)
    pings = []
    real_ping = database.engine.dialect.do_ping
    monkeypatch.setattr(database.engine.dialect, "do_ping", lambda connection: pings.append(1) or real_ping(connection))
    try:
        for _ in range(3):
            assert _backend(database) > 0
        assert len(pings) == 1  # the new connection's first checkout only

        _drop_connections(postgres_url)
        with pytest.raises(Unavailable):  # in use a moment ago: not checked
            _backend(database)
        assert _backend(database) > 0  # the failure replaced the pool

        monkeypatch.setattr(mesh_db, "PING_AFTER_IDLE_SECONDS", 0.05)
        time.sleep(0.1)
        _drop_connections(postgres_url)
        assert _backend(database) > 0  # idle: checked, found dropped, replaced before the statement
        assert len(pings) >= 2
    finally:
        database.dispose()


def _backend(database) -> int:
    return database.first_row(select(text("pg_backend_pid()")))[0]


def _drop_connections(url: str) -> None:
    """What a server restart does to a pool: every connection to the database ends."""
    other = Database(url)
    try:
        with other.engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    finally:
        other.dispose()
