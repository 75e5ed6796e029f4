"""Database plumbing every service shares: one engine per service database, transactional
sessions, a health ping, Alembic migrations and the mapping of database faults to `Unavailable`.

The same code runs on an embedded SQLite file and on PostgreSQL (psycopg 3); only the URL differs.
"""

from __future__ import annotations

import dataclasses
import fcntl
import math
import os
import pathlib
import threading
import time
import uuid
import zlib
from contextlib import contextmanager, nullcontext
from typing import Any, Callable, ContextManager, Iterator, Mapping, Protocol

from sqlalchemy import Engine, MetaData, Select, create_engine, event, exc, select, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import InstrumentedAttribute, Session

from mesh.errors import Conflict, Unavailable

# Every replica of a service takes this lock before upgrading its database, so replicas that
# start together run the migrations one after the other instead of racing on DDL.
_MIGRATION_LOCK_KEY = zlib.crc32(b"padel.mesh.migrate")
SQLITE_BUSY_TIMEOUT_MS = 5000
# A pooled PostgreSQL connection idle longer than this is checked before use (`_ping_when_idle`).
PING_AFTER_IDLE_SECONDS = 1.0
_RETURNED_AT = "padel_returned_at"
# How long a thread waits for its turn at a SQLite file before the database counts as unavailable.
SQLITE_TURN_TIMEOUT_SECONDS = 30.0


def normalize_url(url: str) -> URL:
    """Parse a database URL, pinning PostgreSQL to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}")
    return parsed


def is_database_fault(error: BaseException) -> bool:
    """True when the database itself failed (down, unreachable, pool exhausted, locked).

    A failure of the statement (a constraint, a serialization conflict: SQLSTATE class 40) is
    not a fault of the database; the caller decides what it means.
    """
    if isinstance(error, exc.TimeoutError):
        return True
    if not isinstance(error, (exc.OperationalError, exc.InterfaceError)):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return not sqlstate.startswith("40")


def _as_domain_error(error: exc.SQLAlchemyError) -> Exception | None:
    """What a failed transaction means to the caller, or None when the caller must decide (a
    constraint it knows about). The one place database faults are mapped."""
    if is_database_fault(error):
        return Unavailable("database unavailable; try again shortly")
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
    if sqlstate.startswith("40"):  # serialization failure or deadlock: another change won
        return Conflict("the change clashed with another one made at the same moment; try again")
    return None


@contextmanager
def _faults_mapped() -> Iterator[None]:
    try:
        yield
    except exc.SQLAlchemyError as error:
        _raise_mapped(error)


def _raise_mapped(error: exc.SQLAlchemyError) -> None:
    """Raises `error`'s meaning to every caller (`_as_domain_error`), or `error` itself."""
    meaning = _as_domain_error(error)
    if meaning is not None:
        raise meaning from error
    raise error


@dataclasses.dataclass(frozen=True)
class _Compiled:
    """A statement as its dialect's driver takes it (`Database.first_row`): the SQL, and how a
    call's values become the driver's parameters (in order for SQLite's `?`, by name for psycopg)."""

    sql: str
    order: tuple[str, ...] | None  # positional parameters' names; None: by name
    fixed: dict[str, Any]  # the statement's own literal values (a `coalesce(…, 0)`), by name
    processors: dict[str, Callable[[Any], Any]]  # what SQLAlchemy would convert a value with (a date on SQLite)

    @classmethod
    def of(cls, statement: Select, dialect: Any) -> "_Compiled":
        compiled = statement.compile(dialect=dialect)
        names = compiled.bind_names  # each parameter → its name in the SQL
        return cls(compiled.string, tuple(compiled.positiontup) if compiled.positional else None,
                   {name: bind.effective_value for bind, name in names.items() if not bind.required},
                   {name: processor for bind, name in names.items()
                    if (processor := bind.type.bind_processor(dialect)) is not None})

    def values(self, params: Mapping[str, Any]) -> Any:
        converted = {name: self.processors[name](value) if name in self.processors else value
                     for name, value in {**self.fixed, **params}.items()}
        return converted if self.order is None else [converted[name] for name in self.order]


def new_id() -> str:
    """A row's id: a random UUID, so that ids reveal nothing and never clash across replicas."""
    return str(uuid.uuid4())


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Runs `action` once the session's transaction commits, never if it rolls back: for what
    must not happen before the change is durable (counting it, removing a file it replaced).

    An exception from `action` propagates out of the commit after the change is committed, so an
    action that may fail catches its own errors.
    """
    # Kept in the session's info for the one listener every Session has (`_committed`): a listener of
    # the session's own cost about as much as a statement, and a booking asks for several.
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


_AFTER_COMMIT = "mesh.db.after_commit"  # in a session's info: the actions its transaction's commit runs


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for action in session.info.pop(_AFTER_COMMIT, ()):
        action()


def rows_of(session: Session, owner: InstrumentedAttribute[str], owner_id: str, *order: Any) -> list[Any]:
    """Every row of `owner`'s table whose `owner` column names `owner_id` (`Device.user_id`, `Review.player_id`),
    whatever its state, in `order`: what a service keeps about a person, whole (their data export)."""
    return list(session.scalars(select(owner.class_).where(owner == owner_id).order_by(*order)))


SHARED_MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


class UnitOfWork(Protocol):
    """What a use case is given by its caller (servicer, consumer or job): `session()` opens the
    transaction the use case works in. A `Database` opens a new one each time; `Joined` is one the
    caller holds open already; `first_row()` is the cheapest read, for a version check."""

    def session(self, *, read_only: bool = False) -> ContextManager[Session]: ...

    def first_row(self, statement: Select, params: Mapping[str, Any] | None = None) -> tuple | None: ...


class Joined:
    """The unit of work of a transaction already open, e.g. a consumer's (which records the event as
    handled in it): a use case's changes commit or roll back with the caller's whole transaction."""

    def __init__(self, session: Session):
        self._session = session

    @contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[Session]:
        yield self._session

    def first_row(self, statement: Select, params: Mapping[str, Any] | None = None) -> tuple | None:
        row = self._session.execute(statement, dict(params or {})).first()
        return None if row is None else tuple(row)


class _RunEnded:
    """Set once, when a run ends; a call waiting for it wakes when it is set, and wakes the next.
    A lock held until then and passed along: `set` wakes one waiting call, not each of them at once
    (threading.Event's notify_all: a lock made per waiting call and every woken call contending for
    the condition's lock), about 16 of 72 µs of CPU per shared version check (bench/README)."""

    __slots__ = ("_held",)

    def __init__(self) -> None:
        self._held = threading.Lock()
        self._held.acquire()

    def set(self) -> None:
        self._held.release()

    def wait(self) -> None:
        self._held.acquire()
        self._held.release()  # to the next call waiting, or to none: the run has ended for good


class _SharedRead:
    """One run of a read: its row goes to every call that joined the run before it began."""

    __slots__ = ("done", "row", "failed")

    def __init__(self) -> None:
        self.done = _RunEnded()
        self.row: Any = None
        self.failed = False


class _SharedReads:
    """Equal reads asked at once, answered by few statements and as exactly as by one per call: a
    call takes the row of a run that BEGAN after it asked, never of one already under way (which may
    have read before a commit the caller has seen). A call that finds its read under way joins the
    next run, which begins when that one ends and which every call arriving meanwhile joins too; so
    per key at most one run is under way and one waits: the calls arriving while one runs make one
    statement more, not one each. A failed run answers none of its joiners: each then reads on its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Any, _SharedRead] = {}
        self._next: dict[Any, _SharedRead] = {}  # per key, the run that begins when the running one ends

    def read(self, key: Any, run: Callable[[], Any]) -> Any:
        with self._lock:
            running = self._running.get(key)
            if running is None:  # nothing under way: this call runs now
                mine = self._running[key] = _SharedRead()
                leads, after = True, None
            elif key in self._next:  # a run to begin next: joined
                mine, leads, after = self._next[key], False, None
            else:  # this call runs next
                mine = self._next[key] = _SharedRead()
                leads, after = True, running
        if not leads:
            mine.done.wait()
            return run() if mine.failed else mine.row
        if after is not None:
            after.done.wait()
            with self._lock:
                self._running[key] = self._next.pop(key)
        try:
            mine.row = run()
        except BaseException:
            mine.failed = True
            raise
        finally:
            with self._lock:
                if key not in self._next:  # else the next run's caller takes the key over
                    del self._running[key]
            mine.done.set()
        return mine.row


class Database:
    """One service's database: engine made on first use, sessions, ping and migrations."""

    def __init__(self, url: str, *, pool_size: int = 5, max_overflow: int = 10):
        self.url = normalize_url(url)
        self._pool_size = pool_size
        self._max_overflow = max_overflow
        self._engine: Engine | None = None
        self._read_only_engine: Engine | None = None
        self._compiled: dict[Select, _Compiled] = {}  # `first_row`'s statements, by statement
        # PostgreSQL: `first_row`s asked at once share their round trip. Not SQLite, whose read of a
        # local file costs less than the waiting (20–30 µs more CPU per call, measured: bench/README).
        self._shared_reads = _SharedReads() if self.is_postgres else None
        self._lock = threading.Lock()
        # SQLite: every transaction holds the file's one write lock (BEGIN IMMEDIATE). This
        # process's threads queue for it here (SQLITE_TURN_TIMEOUT_SECONDS at most); SQLite's own
        # busy polling gives up after SQLITE_BUSY_TIMEOUT_MS however short each transaction is, once
        # enough of them wait (32 uploads at once on a loaded machine failed that way).
        self._sqlite_turns = None if self.is_postgres else threading.RLock()
        self._postgres = self.is_postgres  # asked on every `first_row`

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = self._make_engine()
                # The same pool, marked so that `_sqlite_on_begin` starts a deferred transaction.
                self._read_only_engine = self._engine.execution_options(padel_read_only=True)
            return self._engine

    def _make_engine(self) -> Engine:
        if self.is_postgres:
            engine = create_engine(
                self.url,
                pool_size=self._pool_size,
                max_overflow=self._max_overflow,
                pool_timeout=10,
                connect_args={"connect_timeout": 2},
            )
            _ping_when_idle(engine)
            return engine
        database = self.url.database
        if database and database != ":memory:":
            pathlib.Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(self.url)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine

    @contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error.

        `read_only` is a promise that the transaction writes nothing. On SQLite it then neither
        waits for this process's write turn nor takes the file's write lock (a deferred BEGIN sees
        one WAL snapshot), so reads run beside writers instead of queueing behind them.

        A database fault (see `is_database_fault`) is raised as `mesh.errors.Unavailable` and a
        lost serialization race as `mesh.errors.Conflict`, so every caller sees one meaning.
        """
        turn = nullcontext() if read_only else self._sqlite_turn()
        engine = self.engine  # made on first use, with its read-only twin
        bind = engine if not read_only else self._read_only_engine
        # expire_on_commit=False: objects stay readable after the block, for the response.
        with _faults_mapped(), turn, Session(bind, expire_on_commit=False) as session, session.begin():
            yield session

    def first_row(self, statement: Select, params: Mapping[str, Any] | None = None) -> tuple | None:
        """The first row of `statement` (a Core SELECT) as the driver gives it, or None: the cheapest
        read there is, for a kept answer's version check on every hot read. The statement runs in no
        transaction (one round trip on PostgreSQL: no BEGIN, no COMMIT), on the pooled DBAPI
        connection itself: compiled once per statement, no ORM session and no SQLAlchemy execution
        (which cost several times the statement), so no span either: it is inside its call's span.
        The pool's checkout and the statement are most of what it costs. Values come back unconverted
        (fine for the integer versions it reads). On PostgreSQL, calls asking the same statement with the
        same values at once share one run that began after each of them asked (`_SharedReads`), so
        each still sees every commit made before it asked.
        Faults are mapped as in `session`, and a dropped connection replaces the pool as a failed
        session does."""
        params = params or {}
        if self._shared_reads is None:
            return self._first_row(statement, params)
        return self._shared_reads.read((statement, *sorted(params.items())), lambda: self._first_row(statement, params))

    def _first_row(self, statement: Select, params: Mapping[str, Any]) -> tuple | None:
        engine = self._engine or self.engine
        compiled = self._compiled.get(statement) or self._compile(statement)
        values = compiled.values(params)
        postgres, dbapi_error = self._postgres, engine.dialect.loaded_dbapi.Error
        try:
            fairy = engine.raw_connection()
        except dbapi_error as error:
            _raise_mapped(exc.DBAPIError.instance(compiled.sql, values, error, dbapi_error, dialect=engine.dialect))
        except exc.SQLAlchemyError as error:  # the pool's own: a timeout, a dropped connection's check
            _raise_mapped(error)
        connection, cursor = fairy.dbapi_connection, None
        try:
            if postgres:
                connection.autocommit = True  # a statement of its own; SQLite: isolation_level None
            cursor = connection.cursor()
            cursor.execute(compiled.sql, values)
            return cursor.fetchone()
        except dbapi_error as error:
            if engine.dialect.is_disconnect(error, connection, cursor):
                engine.pool._invalidate(fairy, error)  # as SQLAlchemy's own execution does
            _raise_mapped(exc.DBAPIError.instance(compiled.sql, values, error, dbapi_error, dialect=engine.dialect))
        finally:
            if cursor is not None:
                cursor.close()
            if postgres and fairy.is_valid:
                connection.autocommit = False  # the pool's sessions expect transactions
            fairy.close()

    def _compile(self, statement: Select) -> "_Compiled":
        compiled = _Compiled.of(statement, self.engine.dialect)
        self._compiled[statement] = compiled
        return compiled

    @contextmanager
    def _sqlite_turn(self) -> Iterator[None]:
        if self._sqlite_turns is None:
            yield
            return
        if not self._sqlite_turns.acquire(timeout=SQLITE_TURN_TIMEOUT_SECONDS):
            raise Unavailable("database unavailable; try again shortly")
        try:
            yield
        finally:
            self._sqlite_turns.release()

    def ping(self) -> bool:
        """Whether the database answers `SELECT 1` now (the health check's question)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except (exc.SQLAlchemyError, OSError):
            return False

    def migrate(self, script_location: str | os.PathLike[str]) -> None:
        """Upgrade this database to the head of the Alembic history in `script_location`.

        The folder's env.py is expected to call `run_migrations_online()`.
        """
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(script_location))
        # Every history starts with mesh's shared revision 0001 (the event tables), then the
        # service's own revisions, which name "0001" as their first down_revision; mesh's later
        # revisions (mesh_0002 …) are a second branch from 0001, hence "heads".
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(
            [str(pathlib.Path(script_location) / "versions"), str(SHARED_MIGRATIONS)]))
        with self._sqlite_migration_turn(), self.engine.begin() as connection:
            self._lock_migrations(connection)
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")

    def _lock_migrations(self, connection: Connection) -> None:
        # Transaction-scoped, so it is released by the commit that ends the upgrade.
        if self.is_postgres:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})

    @contextmanager
    def _sqlite_migration_turn(self) -> Iterator[None]:
        """SQLite: replicas starting at once migrate one after another, by a lock on a file beside the
        database taken before the first connection. BEGIN IMMEDIATE alone let one of four replicas
        starting at once fail with "database is locked" in CI (not reproduced here; a new file's first
        connections also switch it to WAL outside any transaction), so nothing of a migration now
        meets another replica's."""
        database = None if self.is_postgres else self.url.database
        if not database or database == ":memory:":
            yield
            return
        pathlib.Path(database).parent.mkdir(parents=True, exist_ok=True)
        with open(f"{database}.migrating", "a") as turn:
            fcntl.flock(turn, fcntl.LOCK_EX)  # released when the file closes, even if this process dies
            yield

    def dispose(self) -> None:
        """Close pooled connections (at shutdown, or in tests between databases)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()


def _ping_when_idle(engine: Engine) -> None:
    """Checks a pooled connection with a round trip before handing it out only when it has been
    idle for PING_AFTER_IDLE_SECONDS (SQLAlchemy's pool_pre_ping checks every time: on a hot read,
    whose one statement is a round trip, it doubled the waiting). A connection the server dropped
    meanwhile (a restart) fails its check and the whole pool is replaced. The price: a restart
    under steady traffic fails the first statement on a connection in use a moment before, as it
    fails the statements under way anyway; that failure also replaces the whole pool."""

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_RETURNED_AT, -math.inf) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError(f"pooled connection dropped: {error}") from error

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Stop pysqlite from issuing its own deferred BEGIN; `_sqlite_on_begin` issues ours.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    # Take the write lock when the transaction starts: a deferred transaction that reads and
    # then writes fails at once with "database is locked" when another writer got there first,
    # whereas an immediate one waits its turn (busy_timeout). A read-only one needs no lock.
    # Sent on the driver's connection, as the COMMIT is: transaction control, not a statement of the
    # work, so none of SQLAlchemy's execution and no span (that cost a tenth of a booking's work).
    begin = "BEGIN" if connection.get_execution_options().get("padel_read_only", False) else "BEGIN IMMEDIATE"
    driver = connection.dialect.loaded_dbapi
    try:
        connection.connection.dbapi_connection.execute(begin)
    except driver.Error as error:  # "database is locked": a fault, mapped as a statement's would be
        raise exc.DBAPIError.instance(begin, (), error, driver.Error, dialect=connection.dialect) from error


def run_migrations_online(target_metadata: MetaData | None = None) -> None:
    """The whole body of a service's `migrations/env.py`.

    Runs on the connection `Database.migrate` passes in `config.attributes['connection']`. Run
    from the `alembic` command line instead (e.g. `alembic -x url=sqlite:///data/auth.db revision
    --autogenerate`), it opens the database from `-x url=...` or `sqlalchemy.url` itself.
    """
    from alembic import context

    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run_migrations(connection, target_metadata)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise RuntimeError("no database: pass -x url=... to alembic or call Database.migrate()")
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            database._lock_migrations(connection)
            _run_migrations(connection, target_metadata)
    finally:
        database.dispose()


def _run_migrations(connection: Connection, target_metadata: MetaData | None) -> None:
    from alembic import context

    from mesh.outbox import EVENT_TABLES

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        # The event tables are created by mesh.outbox, not by the service's models, so
        # autogenerate must not offer to drop them.
        return not (type_ == "table" and reflected and compare_to is None and name in EVENT_TABLES)

    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        # SQLite alters tables by copying them; batch mode makes autogenerate write it that way.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
