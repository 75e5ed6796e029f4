"""Helpers for booking_svc's tests (imported by tests/booking/conftest.py and the test modules): venues to create, future local dates and times in the venue's
zone (bookings open only inside the horizon), a small client with tokens per role, and the use cases
wired on a database with a clock the test moves."""

import contextlib
import dataclasses
import datetime as dt
import functools
import time
import uuid
from typing import Callable
from zoneinfo import ZoneInfo

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp
from padel.booking.v1 import booking_pb2 as pb
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc, events_pb2
from padel.user.v1 import user_pb2, user_service_pb2, user_service_pb2_grpc
from sqlalchemy import select, text

from booking_svc import store
from booking_svc.jobs import BookingJob
from booking_svc.players import Players
from booking_svc.server import MIGRATIONS
from booking_svc.service import Availability, Bookings, Venues, VenueSetups
from mesh import caller
from mesh.db import Database
from mesh.outbox import OutboxEvent
from padel_testkit import free_port

KARACHI = ZoneInfo("Asia/Karachi")


def local_day(days_ahead: int = 2) -> dt.date:
    """A venue-local date `days_ahead` from today in Karachi."""
    return dt.datetime.now(KARACHI).date() + dt.timedelta(days=days_ahead)


def local_dt(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=KARACHI)


def stamp(day: dt.date, clock: str) -> Timestamp:
    value = Timestamp()
    value.FromDatetime(local_dt(day, clock).astimezone(dt.timezone.utc))
    return value


def iso(day: dt.date, clock: str) -> str:
    """The RFC 3339 UTC form REST clients send for a Timestamp."""
    return local_dt(day, clock).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def venue_message(name: str = "Test Padel Club", *, city: str = "Karachi", open_: str = "08:00", close: str = "23:00",
                  instant: bool = True, free_until_hours: int = 24, late_fee_percent: int = 50,
                  courts: int = 2, max_per_day: int = 2, base_paisa: int = 600_000,
                  location: tuple[float, float] = (24.81, 67.03)) -> pb.Venue:
    return pb.Venue(
        name=name, city=city, address="Block 4, Clifton", location=pb.GeoPoint(latitude=location[0], longitude=location[1]),
        time_zone="Asia/Karachi",
        opening_hours=[pb.OpeningHours(weekday=w, open=open_, close=close) for w in range(1, 8)],
        slot_minutes=30, durations_minutes=[60, 90, 120],
        cancellation_policy=pb.CancellationPolicy(free_until_hours=free_until_hours, late_fee_percent=late_fee_percent),
        horizon_days=14,
        confirmation_mode=pb.CONFIRMATION_MODE_INSTANT if instant else pb.CONFIRMATION_MODE_MANUAL,
        hold_minutes=15, max_live_bookings_per_day=max_per_day,
        base_hourly_price=pb.Money(amount_paisa=base_paisa, currency="PKR"),
        courts=[pb.Court(name=f"Court {i + 1}", environment=pb.COURT_ENVIRONMENT_INDOOR,
                         surface=pb.COURT_SURFACE_ARTIFICIAL_GRASS) for i in range(courts)])


@dataclasses.dataclass
class BookingClient:
    """BookingService over gRPC with tokens from the test issuer."""

    stub: booking_service_pb2_grpc.BookingServiceStub
    issuer: object
    bookings: object = None  # the running server's booking life cycle, whose clock `at` moves

    @contextlib.contextmanager
    def at(self, moment: dt.datetime):
        """The booking life cycle's clock reads `moment` inside the block (the venue's steps happen at
        the game)."""
        real = self.bookings.clock
        self.bookings.clock = lambda: moment
        try:
            yield
        finally:
            self.bookings.clock = real

    def owner(self, user_id: str) -> tuple:
        return self.issuer.metadata(user_id, ("venue_owner",))

    def player(self, user_id: str) -> tuple:
        return self.issuer.metadata(user_id, ("player",))

    def create_venue(self, owner_id: str, **options) -> pb.Venue:
        return self.stub.CreateVenue(api.CreateVenueRequest(venue=venue_message(**options)),
                                     metadata=self.owner(owner_id)).venue

    def book(self, player_id: str, court_id: str, day: dt.date, clock: str, duration: int = 60,
             key: str | None = None, **fields) -> pb.Booking:
        request = api.BookRequest(court_id=court_id, start_time=stamp(day, clock), duration_minutes=duration,
                                  idempotency_key=key or uuid.uuid4().hex, **fields)
        return self.stub.Book(request, metadata=self.player(player_id)).booking

    def starts(self, venue_id: str, day: dt.date, duration: int = 60) -> dict[str, list[str]]:
        """Free local start times per court id."""
        answer = self.stub.GetAvailability(api.GetAvailabilityRequest(venue_id=venue_id, date=day.isoformat(),
                                                                      duration_minutes=duration))
        return {c.court.court_id: [s.local_start for s in c.slots] for c in answer.courts}


@dataclasses.dataclass
class PlayerDirectory:
    """user_svc on port 0, which booking_svc asks who may be invited (`PADEL_USER_ADDR=address`)."""

    address: str
    stub: user_service_pb2_grpc.UserServiceStub
    issuer: object

    def block(self, blocker: str, blocked: str) -> None:
        self.stub.BlockUser(user_service_pb2.BlockUserRequest(user_id=blocked), metadata=self.issuer.metadata(blocker))

    def new(self, name: str = "Invited Player") -> str:
        """A player with a profile in user_svc: one who can be invited."""
        user_id = str(uuid.uuid4())
        self.stub.UpdateProfile(user_service_pb2.UpdateProfileRequest(
            profile=user_pb2.Profile(display_name=name), update_mask=FieldMask(paths=["display_name"])),
            metadata=self.issuer.metadata(user_id))
        return user_id


@pytest.fixture
def players(start_service, token_issuer) -> PlayerDirectory:
    host, channel = start_service("user")
    return PlayerDirectory(f"127.0.0.1:{host.port}", user_service_pb2_grpc.UserServiceStub(channel), token_issuer)


def _booking_client(start_service, token_issuer, **env: str) -> BookingClient:
    """booking_svc on SQLite, port 0, with a job interval short enough to watch it work; match_svc,
    which the job asks about match holds, does not answer (nothing listens at its address) unless given."""
    env = {"PADEL_MATCH_ADDR": f"127.0.0.1:{free_port()}", **env}
    host, channel = start_service("booking", PADEL_BOOKING_JOB_INTERVAL_SECONDS="0.2", **env)
    bookings = next(worker.bookings for worker in host.workers if isinstance(worker, BookingJob))
    return BookingClient(booking_service_pb2_grpc.BookingServiceStub(channel), token_issuer, bookings)


@pytest.fixture
def booking(start_service, token_issuer) -> BookingClient:
    return _booking_client(start_service, token_issuer)


@pytest.fixture
def inviting(start_service, token_issuer, players) -> BookingClient:
    """booking_svc asking user_svc (`players`) who may be invited."""
    return _booking_client(start_service, token_issuer, PADEL_USER_ADDR=players.address)


def rpc_error(call, *args, **kwargs) -> grpc.RpcError:
    """The error `call` fails with (the test fails if it succeeds)."""
    with pytest.raises(grpc.RpcError) as error:
        call(*args, **kwargs)
    return error.value


@functools.cache
def _platform_keys(data_dir):
    from auth_svc.keys import SigningKeys

    return SigningKeys.load(data_dir / "auth" / "signing-key.pem", [])


def platform_headers(platform, user_id: str | None = None, roles=("player",)) -> dict[str, str]:
    """Like `platform.headers`, but loads the running auth_svc's key once: 50 racing clients
    need 50 tokens, and parsing the key for each one takes longer than the race."""
    now = dt.datetime.now(dt.timezone.utc)
    token = _platform_keys(platform.data_dir).sign({
        "sub": user_id or str(uuid.uuid4()), "roles": list(roles), "iss": "padel-auth", "aud": "padel-platform",
        "iat": now, "exp": now + dt.timedelta(minutes=15), "jti": uuid.uuid4().hex})
    return {"authorization": f"Bearer {token}"}


# -- the use cases in process, on a real database ----------------------------------------------------

EVERY_DAY = [{"weekday": w, "open": "08:00", "close": "23:00"} for w in range(1, 8)]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, sqlite_url):
    """booking_svc's database, migrated: a SQLite file, or a throwaway PostgreSQL database."""
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    db = Database(url)
    db.migrate(MIGRATIONS)
    yield db
    db.dispose()


class Clock:
    """A clock the test moves."""

    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc)

    def __call__(self):
        return self.now


def someone(*roles: str, user_id: str | None = None) -> caller.Caller:
    """A caller with `roles`, as the auth interceptor makes one from an access token."""
    return caller.Caller(user_id or str(uuid.uuid4()), frozenset(roles), "jti", dt.datetime.now(dt.timezone.utc),
                         "token")


class Anyone:
    """Every player may be invited (user_svc's answer is not what these tests are about)."""

    def check_invitable(self, _booker, _player_ids) -> None:
        pass


class Desk:
    """The three use-case classes on one database and one clock, as server.py wires them."""

    def __init__(self, database: Database, clock: Clock, user_address: str = "127.0.0.1:1"):
        self.db = database
        setups = VenueSetups()
        self.venues, self.availability = Venues(clock), Availability(setups, clock)
        # Tests that invite nobody never ask user_svc (nothing listens there); those that invite pass
        # a real user_svc's address (the `players` fixture).
        self.bookings = Bookings(setups, commission_percent=10, players=Players(user_address), clock=clock)

    def venue(self, **columns) -> store.VenueView:
        """A venue open 08:00–23:00 every day with one court, owned by a new venue owner."""
        return self.venues.create(self.db, someone("venue_owner"), {"city": "Karachi", "opening_hours": EVERY_DAY,
                                                                     **columns}, [{"name": "Court 1"}])

    def book(self, player: caller.Caller, court_id: str, start: dt.datetime):
        return self.bookings.book(self.db, player, court_id, start, 60, [], "", uuid.uuid4().hex).booking


def free_starts(desk: Desk, venue_id: str, start: dt.datetime) -> list[str]:
    """Free local starts of 60-minute games on the opening of `start`'s local day, on any court."""
    local = start.astimezone(ZoneInfo("Asia/Karachi"))
    _venue, courts = desk.availability.free_slots(desk.db, venue_id, local.date(), 60)
    return [s.start.astimezone(ZoneInfo("Asia/Karachi")).strftime("%H:%M") for _court, slots in courts for s in slots]


def outbox_messages(db: Database, prefix: str = "") -> list[tuple[str, object]]:
    """(event type, message) of the events in the outbox whose type starts with `prefix`, oldest first."""
    found = []
    with db.session() as session:
        for row in session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at, OutboxEvent.id)):
            name = row.event_type.rsplit(".", 1)[1]
            if name.startswith(prefix):
                found.append((name, getattr(events_pb2, name).FromString(row.payload)))
    return found


_WAITING_FOR_A_LOCK = select(text("count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                  "AND datname = current_database()"))


def waits_for_a_lock(db: Database, finished: Callable[[], bool]) -> bool:
    """On PostgreSQL, whether another transaction comes to wait for a row lock (True) before
    `finished()` says the racing call returned without waiting (False)."""
    while not finished():
        if db.first_row(_WAITING_FOR_A_LOCK)[0]:
            return True
        time.sleep(0.02)
    return False
