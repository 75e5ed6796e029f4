"""The booking job and the events it and the use cases write, on a real database with a controlled clock."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from padel.booking.v1 import events_pb2
from sqlalchemy import select

from booking_svc.jobs import BookingJob
from booking_svc.server import MIGRATIONS
from booking_svc.service import Availability, Bookings, Venues
from booking_testkit import local_day, local_dt
from mesh import caller
from mesh.db import Database
from mesh.errors import FailedPrecondition
from mesh.outbox import OutboxEvent

EVERY_DAY = [{"weekday": w, "open": "08:00", "close": "23:00"} for w in range(1, 8)]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, sqlite_url):
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    db = Database(url)
    db.migrate(MIGRATIONS)
    yield db
    db.dispose()


class Clock:
    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc)

    def __call__(self):
        return self.now


def someone(*roles: str, user_id: str | None = None) -> caller.Caller:
    """A caller with `roles`, as the auth interceptor makes one from an access token."""
    return caller.Caller(user_id or str(uuid.uuid4()), frozenset(roles), "jti", dt.datetime.now(dt.timezone.utc),
                         "token")


class Desk:
    """The three use-case classes on one database and one clock, as server.py wires them."""

    def __init__(self, database: Database, clock: Clock):
        self.db = database
        self.venues, self.availability = Venues(clock), Availability(clock)
        self.bookings = Bookings(commission_percent=10, clock=clock)

    def venue(self, **columns):
        return self.venues.create(self.db, someone("venue_owner"), {"city": "Karachi", "opening_hours": EVERY_DAY,
                                                                     **columns}, [{"name": "Court 1"}])

    def book(self, player: caller.Caller, court_id: str, start: dt.datetime):
        return self.bookings.book(self.db, player, court_id, start, 60, [], "", uuid.uuid4().hex).booking


def events_of(db: Database, booking_id: str) -> list[str]:
    """Event type names in the outbox for one booking, oldest first."""
    names = []
    with db.session() as session:
        for row in session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at)):
            message = getattr(events_pb2, row.event_type.rsplit(".", 1)[1])()
            message.ParseFromString(row.payload)
            if message.booking.booking_id == booking_id:
                names.append(row.event_type.rsplit(".", 1)[1])
    return names


def free_starts(desk: Desk, venue_id: str, start: dt.datetime) -> list[str]:
    """Free local starts of 60-minute games on the opening of `start`'s local day, on any court."""
    local = start.astimezone(ZoneInfo("Asia/Karachi"))
    _venue, courts = desk.availability.free_slots(desk.db, venue_id, local.date(), 60)
    return [s.start.astimezone(ZoneInfo("Asia/Karachi")).strftime("%H:%M") for _court, slots in courts for s in slots]


def test_expired_holds_are_cancelled_and_finished_games_completed(database):
    clock = Clock()
    desk = Desk(database, clock)
    job = BookingJob(desk.bookings, database, interval_seconds=60)
    manual = desk.venue(name="Manual", instant_confirmation=False, hold_minutes=15)
    instant = desk.venue(name="Instant", base_hourly_price_paisa=600_000)
    player = someone("player")
    start = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)
    held = desk.book(player, manual.courts[0].id, start)
    played = desk.book(player, instant.courts[0].id, start)
    assert played.price_paisa == 600_000 and played.commission_paisa == 60_000

    clock.now += dt.timedelta(minutes=14)
    assert job.run_once() == (0, 0)
    clock.now += dt.timedelta(minutes=2)
    assert job.run_once() == (1, 0)
    clock.now = played.end_time + dt.timedelta(seconds=1)
    assert job.run_once() == (0, 1)
    assert job.run_once() == (0, 0)

    admin = someone("admin")
    expired = desk.bookings.get(database, admin, held.id).booking
    completed = desk.bookings.get(database, admin, played.id).booking
    assert (expired.status, expired.cancel_reason, expired.cancellation_fee_paisa) == ("cancelled", "expired", 0)
    assert completed.status == "completed"
    assert events_of(database, held.id) == ["BookingCreated", "BookingCancelled"]
    # Confirmed at once: created and confirmed in one transaction, so notify can send a confirmation.
    assert events_of(database, played.id) == ["BookingCreated", "BookingConfirmed", "BookingCompleted"]


def test_a_moved_then_cancelled_booking_announces_each_step(database):
    clock = Clock()
    desk = Desk(database, clock)
    venue = desk.venue(name="Events", city="Lahore", base_hourly_price_paisa=600_000, free_until_hours=720,
                       late_fee_percent=20)
    player = someone("player")
    day = local_day(2)
    made = desk.book(player, venue.courts[0].id, local_dt(day, "10:00").astimezone(dt.timezone.utc))
    desk.bookings.update(database, player, made.id, {"start_time": local_dt(day, "14:00").astimezone(dt.timezone.utc)})
    desk.bookings.cancel(database, player, made.id, "")
    assert events_of(database, made.id) == ["BookingCreated", "BookingConfirmed", "BookingRescheduled",
                                            "BookingCancelled"]
    with database.session() as session:
        row = session.scalars(select(OutboxEvent).where(
            OutboxEvent.event_type == "padel.booking.v1.BookingCancelled").order_by(OutboxEvent.created_at.desc())).first()
    cancelled = events_pb2.BookingCancelled.FromString(row.payload)
    assert cancelled.booking.booking_id == made.id and cancelled.booking.venue_name == "Events"
    assert (cancelled.cancellation.fee.amount_paisa, cancelled.cancellation.refund.amount_paisa) == (120_000, 480_000)
    assert cancelled.cancellation.reason == "cancelled by the player"


def test_a_run_out_hold_cannot_be_confirmed_even_before_the_job_runs(database):
    clock = Clock()
    desk = Desk(database, clock)
    venue = desk.venue(name="Held", instant_confirmation=False, hold_minutes=10)
    owner = someone("venue_owner", user_id=venue.venue.owner_id)
    start = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)
    held = desk.book(someone("player"), venue.courts[0].id, start)
    court = venue.courts[0].id
    assert "12:00" not in free_starts(desk, venue.venue.id, start)
    clock.now += dt.timedelta(minutes=11)
    assert "12:00" in free_starts(desk, venue.venue.id, start)  # before the job has run
    with pytest.raises(FailedPrecondition, match="cannot go from cancelled to confirmed"):
        desk.bookings.confirm(database, owner, held.id)
    # Someone else may take the court at once: booking releases run-out holds on that court.
    taken = desk.book(someone("player"), court, start)
    assert taken.status == "pending"
    assert events_of(database, held.id) == ["BookingCreated", "BookingCancelled"]
