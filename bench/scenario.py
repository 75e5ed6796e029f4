"""What the benchmark asks of a running platform, route by route, and what it needs ready first:
a venue to search and ask availability of, a venue with enough distinct free slots that every
booking request books one, and a registered account to sign in with."""

import dataclasses
import datetime as dt
import json
import math
import pathlib
import time
import uuid
from zoneinfo import ZoneInfo

import bcrypt
import requests

from mesh.settings import DEFAULT_TIME_ZONE

TIMEOUT = 30
# A booking venue open all day on a one-hour grid: 24 starts per court and day.
BOOKING_DAYS = range(1, 14)  # inside the 14-day horizon, tomorrow first
# Bookings per second the slots must last for (more than this machine's edge ceiling).
MAX_BOOKINGS_PER_SECOND = 1200
LIVE_BOOKINGS_PER_PLAYER_AND_DAY = 20  # the venue's fair-access limit, at its highest
PASSWORD = "bench court at seven"
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


@dataclasses.dataclass(frozen=True)
class Route:
    """One row of the table: its name, the URL path wrk starts from, the process that answers it
    behind Envoy (its `bench.idle.role`) and `padel.lua`'s mode."""

    name: str
    path: str
    service: str = "booking_svc"
    mode: tuple[str, ...] = ()


def _ok(answer: requests.Response) -> dict:
    if answer.status_code != 200:
        raise RuntimeError(f"{answer.request.method} {answer.url}: HTTP {answer.status_code} {answer.text}")
    return answer.json()


def _local_day(days_ahead: int) -> dt.date:
    return dt.datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date() + dt.timedelta(days=days_ahead)


def _booking_venue(platform, courts: int) -> dict:
    """A venue of a new owner with `courts` courts, open all day, one-hour games on a one-hour grid."""
    venue = {
        "name": f"Bench Padel {uuid.uuid4().hex[:6]}", "city": "Karachi", "address": "Bench Road",
        "location": {"latitude": 24.87, "longitude": 67.08}, "time_zone": DEFAULT_TIME_ZONE,
        "opening_hours": [{"weekday": f"WEEKDAY_{day}", "open": "00:00", "close": "00:00"} for day in WEEKDAYS],
        "slot_minutes": 60, "durations_minutes": [60], "horizon_days": 14,
        "confirmation_mode": "CONFIRMATION_MODE_INSTANT",
        "max_live_bookings_per_day": LIVE_BOOKINGS_PER_PLAYER_AND_DAY,
        "base_hourly_price": {"amount_paisa": "600000", "currency": "PKR"},
        "courts": [{"name": f"Court {n}"} for n in range(1, courts + 1)],
    }
    owner = platform.headers(str(uuid.uuid4()), roles=("venue_owner",))
    return _ok(requests.post(f"{platform.url}/api/bookings/venues", json={"venue": venue}, headers=owner,
                             timeout=TIMEOUT))["venue"]


def write_slots(platform, path: pathlib.Path, count: int) -> int:
    """Writes at least `count` lines "TOKEN BODY" to `path`, each a distinct free court and start
    (and players so that none passes the venue's per-day limit); returns how many."""
    per_court = 24 * len(BOOKING_DAYS)
    venue = _booking_venue(platform, max(1, math.ceil(count / per_court)))
    lines = []
    for days_ahead in BOOKING_DAYS:
        day = _local_day(days_ahead).isoformat()
        free = _ok(requests.get(f"{platform.url}/api/bookings/availability", timeout=TIMEOUT, params={
            "venue_id": venue["venue_id"], "date": day, "duration_minutes": 60}))
        starts = [(court["court"]["court_id"], slot["start_time"]) for court in free["courts"] for slot in court["slots"]]
        for first in range(0, len(starts), LIVE_BOOKINGS_PER_PLAYER_AND_DAY):
            token = platform.token(str(uuid.uuid4()), lifetime=dt.timedelta(hours=1))
            for court_id, start in starts[first:first + LIVE_BOOKINGS_PER_PLAYER_AND_DAY]:
                body = {"court_id": court_id, "start_time": start, "duration_minutes": 60,
                        "idempotency_key": f"bench-{uuid.uuid4().hex}"}
                lines.append(f"{token} {json.dumps(body, separators=(',', ':'))}")
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def prepare(platform, folder: pathlib.Path, seconds: float) -> list[Route]:
    """The routes of issue 11's table, with what each needs created on `platform`."""
    venues = _ok(requests.get(f"{platform.url}/api/bookings/venues", params={"city": "Karachi"}, timeout=TIMEOUT))
    demo = next(v for v in venues["venues"] if v["name"] == "Clifton Padel Club")  # 3 courts, seeded by padel run
    slots = folder / "slots.txt"
    write_slots(platform, slots, math.ceil(MAX_BOOKINGS_PER_SECOND * seconds))
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    _ok(requests.post(f"{platform.url}/api/auth/register", timeout=TIMEOUT, json={
        "email": email, "password": PASSWORD, "first_name": "Bench", "last_name": "Player", "phone": "+923001234567"}))
    login = folder / "login.json"
    login.write_text(json.dumps({"email": email, "password": PASSWORD}))
    day = _local_day(2).isoformat()
    return [
        Route("GET /health", "/health", "edge.directory"),
        Route("GET /api/bookings/venues?city=Karachi", "/api/bookings/venues?city=Karachi"),
        Route("GET /api/bookings/availability (3 courts, 1 day, 90 min)",
              f"/api/bookings/availability?venue_id={demo['venue_id']}&date={day}&duration_minutes=90"),
        Route("POST /api/bookings/book (distinct free slots)", "/api/bookings/book", mode=("book", str(slots))),
        Route("POST /api/auth/login", "/api/auth/login", "auth_svc", ("post", "/api/auth/login", str(login))),
    ]


def bcrypt_bound(rounds: int, cores: int) -> float:
    """Sign-ins per second this machine's cores allow when each one only checked its bcrypt hash."""
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds))
    checks, started = 3, time.perf_counter()
    for _ in range(checks):
        bcrypt.checkpw(PASSWORD.encode(), hashed)
    return cores * checks / (time.perf_counter() - started)


def double_bookings(platform) -> tuple[int, int]:
    """(live bookings, pairs of live bookings that overlap on one court) in booking_svc's database,
    read after the booking route: the database decides clashes, and this shows it did at saturation."""
    import sqlalchemy as sa

    from booking_svc.domain import LIVE
    from booking_svc.server import settings_from_env

    engine = sa.create_engine(settings_from_env(platform.env).database_url)
    live = tuple(status.value for status in LIVE)
    try:
        with engine.connect() as connection:
            count = connection.execute(sa.text("SELECT count(*) FROM bookings WHERE status IN :live")
                                       .bindparams(sa.bindparam("live", expanding=True)), {"live": live}).scalar_one()
            clashes = connection.execute(sa.text(
                "SELECT count(*) FROM bookings a JOIN bookings b ON a.court_id = b.court_id AND a.id < b.id "
                "AND a.start_time < b.end_time AND b.start_time < a.end_time "
                "WHERE a.status IN :live AND b.status IN :live")
                .bindparams(sa.bindparam("live", expanding=True)), {"live": live}).scalar_one()
    finally:
        engine.dispose()
    return count, clashes
