"""The booking job and the events it and the desk write, on a real database with a controlled clock."""

import contextlib
import datetime as dt
import pathlib
import uuid
from zoneinfo import ZoneInfo

import pytest
from padel.booking.v1 import events_pb2
from sqlalchemy import select

from booking_svc import desk as desk_module
from booking_svc.desk import BookingDesk
from booking_svc.jobs import BookingJob
from booking_testkit import local_day, local_dt
from mesh import caller
from mesh.db import Database
from mesh.errors import FailedPrecondition
from mesh.outbox import OutboxEvent

MIGRATIONS = pathlib.Path(desk_module.__file__).parent / "migrations"
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


@contextlib.contextmanager
def acting_as(user_id: str, *roles: str):
    """Runs the block as the RPC caller `user_id`, as the auth interceptor would."""
    token = caller.bind(caller.Caller(user_id, frozenset(roles), "jti", dt.datetime.now(dt.timezone.utc), "token"))
    try:
        yield
    finally:
        caller.unbind(token)


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


def free_starts(desk: BookingDesk, venue_id: str, start: dt.datetime) -> list[str]:
    """Free local starts of 60-minute games on the opening of `start`'s local day, on any court."""
    local = start.astimezone(ZoneInfo("Asia/Karachi"))
    _venue, courts = desk.availability(venue_id, local.date(), 60)
    return [s.astimezone(ZoneInfo("Asia/Karachi")).strftime("%H:%M") for c in courts for s, _e, _p in c.slots]


def test_expired_holds_are_cancelled_and_finished_games_completed(database):
    clock = Clock()
    desk = BookingDesk(database, commission_percent=10, clock=clock)
    job = BookingJob(desk, interval_seconds=60)
    with acting_as(str(uuid.uuid4()), "venue_owner"):
        manual = desk.create_venue({"name": "Manual", "city": "Karachi", "opening_hours": EVERY_DAY,
                                    "instant_confirmation": False, "hold_minutes": 15}, [{"name": "Court 1"}])
        instant = desk.create_venue({"name": "Instant", "city": "Karachi", "opening_hours": EVERY_DAY,
                                     "base_hourly_price_paisa": 600_000}, [{"name": "Court 1"}])
    with acting_as(str(uuid.uuid4()), "player"):
        start = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)
        held = desk.book(manual.courts[0].id, start, 60, [], "", uuid.uuid4().hex).booking
        played = desk.book(instant.courts[0].id, start, 60, [], "", uuid.uuid4().hex).booking
    assert played.price_paisa == 600_000 and played.commission_paisa == 60_000

    clock.now += dt.timedelta(minutes=14)
    assert job.run_once() == (0, 0)
    clock.now += dt.timedelta(minutes=2)
    assert job.run_once() == (1, 0)
    clock.now = played.end_time + dt.timedelta(seconds=1)
    assert job.run_once() == (0, 1)
    assert job.run_once() == (0, 0)

    with acting_as(str(uuid.uuid4()), "admin"):
        expired = desk.get_booking(held.id).booking
        completed = desk.get_booking(played.id).booking
    assert (expired.status, expired.cancel_reason, expired.cancellation_fee_paisa) == ("cancelled", "expired", 0)
    assert completed.status == "completed"
    assert events_of(database, held.id) == ["BookingCreated", "BookingCancelled"]
    # Confirmed at once: created and confirmed in one transaction, so notify can send a confirmation.
    assert events_of(database, played.id) == ["BookingCreated", "BookingConfirmed", "BookingCompleted"]


def test_a_moved_then_cancelled_booking_announces_each_step(database):
    clock = Clock()
    desk = BookingDesk(database, commission_percent=10, clock=clock)
    with acting_as(str(uuid.uuid4()), "venue_owner"):
        venue = desk.create_venue({"name": "Events", "city": "Lahore", "opening_hours": EVERY_DAY,
                                   "base_hourly_price_paisa": 600_000, "free_until_hours": 720,
                                   "late_fee_percent": 20}, [{"name": "Court 1"}])
    with acting_as(str(uuid.uuid4()), "player"):
        day = local_day(2)
        made = desk.book(venue.courts[0].id, local_dt(day, "10:00").astimezone(dt.timezone.utc), 60, [], "",
                         uuid.uuid4().hex).booking
        desk.update_booking(made.id, {"start_time": local_dt(day, "14:00").astimezone(dt.timezone.utc)})
        desk.cancel(made.id, "")
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
    desk = BookingDesk(database, commission_percent=10, clock=clock)
    owner = str(uuid.uuid4())
    with acting_as(owner, "venue_owner"):
        venue = desk.create_venue({"name": "Held", "city": "Karachi", "opening_hours": EVERY_DAY,
                                   "instant_confirmation": False, "hold_minutes": 10}, [{"name": "Court 1"}])
    start = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)
    with acting_as(str(uuid.uuid4()), "player"):
        held = desk.book(venue.courts[0].id, start, 60, [], "", uuid.uuid4().hex).booking
    court = venue.courts[0].id
    assert "12:00" not in free_starts(desk, venue.venue.id, start)
    clock.now += dt.timedelta(minutes=11)
    assert "12:00" in free_starts(desk, venue.venue.id, start)  # before the job has run
    with acting_as(owner, "venue_owner"):
        with pytest.raises(FailedPrecondition, match="cannot go from cancelled to confirmed"):
            desk.confirm(held.id)
    # Someone else may take the court at once: booking releases run-out holds on that court.
    with acting_as(str(uuid.uuid4()), "player"):
        taken = desk.book(court, start, 60, [], "", uuid.uuid4().hex).booking
    assert taken.status == "pending"
    assert events_of(database, held.id) == ["BookingCreated", "BookingCancelled"]
