"""No double booking on real PostgreSQL with two booking_svc processes on one database, and
through the edge (`platform_postgres`: PostgreSQL per service, real Redis)."""

import pathlib
import subprocess
import sys
import threading
import time
import uuid
from concurrent import futures

import grpc
import pytest
import requests
from google.protobuf import json_format
from grpc_health.v1 import health_pb2, health_pb2_grpc
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc, events_pb2

from booking_testkit import iso, local_day, platform_headers, stamp, venue_message
from mesh.redis import make_redis
from padel_testkit import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
ROOT = pathlib.Path(__file__).resolve().parents[2]
SLOT_TAKEN = "this slot was just taken; choose another time"


def serving(address: str) -> bool:
    with grpc.insecure_channel(address) as channel:
        try:
            answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.RpcError:
            return False
        return answer.status == health_pb2.HealthCheckResponse.SERVING


@pytest.fixture(scope="module")
def second_booking_svc(platform_postgres):
    """A second `python -m booking_svc` on another port, on the platform's booking database."""
    port = free_port()
    env = {**platform_postgres.env, "PADEL_BOOKING_PORT": str(port), "PADEL_BOOKING_METRICS_PORT": str(free_port())}
    log = (platform_postgres.data_dir / "logs" / "booking-second.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "booking_svc"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not serving(address):
        assert process.poll() is None and time.monotonic() < deadline, "second booking_svc did not start"
        time.sleep(0.2)
    yield address
    process.terminate()
    process.wait(30)


def test_two_processes_on_one_database_sell_a_slot_once(platform_postgres, second_booking_svc):
    first = grpc.insecure_channel(platform_postgres.address("booking"))
    second = grpc.insecure_channel(second_booking_svc)
    stubs = [booking_service_pb2_grpc.BookingServiceStub(c) for c in (first, second)]
    owner = str(uuid.uuid4())
    venue = stubs[0].CreateVenue(api.CreateVenueRequest(venue=venue_message()), metadata=(
        ("authorization", f"Bearer {platform_postgres.token(owner, ('venue_owner',))}"),)).venue
    court, day = venue.courts[0].court_id, local_day(4)
    players = [platform_headers(platform_postgres)["authorization"] for _ in range(50)]
    barrier = threading.Barrier(50)

    def attempt(i):
        request = api.BookRequest(court_id=court, start_time=stamp(day, "19:00"), duration_minutes=90,
                                  idempotency_key=uuid.uuid4().hex)
        barrier.wait()
        try:
            stubs[i % 2].Book(request, metadata=(("authorization", players[i]),), timeout=30)
            return "booked", i % 2
        except grpc.RpcError as error:
            return error.code(), error.details()

    try:
        with futures.ThreadPoolExecutor(50) as pool:
            outcomes = list(pool.map(attempt, range(50)))
    finally:
        first.close()
        second.close()
    assert sum(1 for o in outcomes if o[0] == "booked") == 1, outcomes
    assert [o for o in outcomes if o[0] != "booked"] == [(grpc.StatusCode.ABORTED, SLOT_TAKEN)] * 49


def test_fifty_clients_through_the_edge_on_postgres_get_one_booking(platform_postgres):
    owner = str(uuid.uuid4())
    venue = requests.post(f"{platform_postgres.url}/api/bookings/venues",
                          json={"venue": json_format.MessageToDict(venue_message(), preserving_proto_field_name=True)},
                          headers=platform_postgres.headers(owner, roles=("venue_owner",)), timeout=10).json()["venue"]
    court, day = venue["courts"][0]["court_id"], local_day(5)
    headers = [platform_headers(platform_postgres) for _ in range(50)]
    barrier = threading.Barrier(50)

    def attempt(i):
        barrier.wait()
        answer = requests.post(f"{platform_postgres.url}/api/bookings/book", headers=headers[i], timeout=30, json={
            "court_id": court, "start_time": iso(day, "21:00"), "duration_minutes": 60,
            "idempotency_key": uuid.uuid4().hex})
        return answer.status_code, answer.json()

    with futures.ThreadPoolExecutor(50) as pool:
        outcomes = list(pool.map(attempt, range(50)))
    assert sorted(code for code, _ in outcomes) == [200] + [409] * 49, outcomes
    assert all(body["message"] == SLOT_TAKEN for code, body in outcomes if code == 409)
    winner = next(body["booking"] for code, body in outcomes if code == 200)
    assert announced(platform_postgres, winner["booking_id"]) == ["BookingCreated", "BookingConfirmed"]


def announced(platform, booking_id: str, wait_seconds: float = 10) -> list[str]:
    """Event names on the padel.booking.events stream (real Redis) about one booking."""
    client = make_redis(platform.env["PADEL_REDIS_URL"])
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            names = []
            for _id, fields in client.xrange("padel.booking.events"):
                name = fields[b"type"].decode().rsplit(".", 1)[1]
                message = getattr(events_pb2, name).FromString(fields[b"data"])
                if message.booking.booking_id == booking_id:
                    names.append(name)
            if len(names) >= 2 or time.monotonic() > deadline:
                return names
            time.sleep(0.2)
    finally:
        client.close()


def test_retries_with_one_key_across_two_processes_make_one_booking(platform_postgres, second_booking_svc):
    channels = [grpc.insecure_channel(a) for a in (platform_postgres.address("booking"), second_booking_svc)]
    stubs = [booking_service_pb2_grpc.BookingServiceStub(c) for c in channels]
    owner_headers = platform_headers(platform_postgres, roles=("venue_owner",))
    venue = stubs[1].CreateVenue(api.CreateVenueRequest(venue=venue_message()),
                                 metadata=tuple(owner_headers.items())).venue
    player = tuple(platform_headers(platform_postgres).items())
    request = api.BookRequest(court_id=venue.courts[1].court_id, start_time=stamp(local_day(3), "11:00"),
                              duration_minutes=60, idempotency_key=uuid.uuid4().hex)
    barrier = threading.Barrier(20)

    def retry(i):
        barrier.wait()
        return stubs[i % 2].Book(request, metadata=player, timeout=30).booking.booking_id

    try:
        with futures.ThreadPoolExecutor(20) as pool:
            ids = set(pool.map(retry, range(20)))
    finally:
        for channel in channels:
            channel.close()
    assert len(ids) == 1


def test_one_player_racing_for_many_slots_stays_within_the_daily_limit(platform_postgres):
    owner, player = str(uuid.uuid4()), str(uuid.uuid4())
    channel = grpc.insecure_channel(platform_postgres.address("booking"))
    stub = booking_service_pb2_grpc.BookingServiceStub(channel)
    venue = stub.CreateVenue(api.CreateVenueRequest(venue=venue_message(courts=3, max_per_day=2)), metadata=(
        ("authorization", f"Bearer {platform_postgres.token(owner, ('venue_owner',))}"),)).venue
    token = platform_headers(platform_postgres, player)["authorization"]
    day = local_day(6)
    slots = [(court.court_id, hour) for court in venue.courts for hour in ("10:00", "12:00", "14:00")]
    barrier = threading.Barrier(len(slots))

    def attempt(slot):
        court, hour = slot
        request = api.BookRequest(court_id=court, start_time=stamp(day, hour), duration_minutes=60,
                                  idempotency_key=uuid.uuid4().hex)
        barrier.wait()
        try:
            stub.Book(request, metadata=(("authorization", token),), timeout=30)
            return "booked"
        except grpc.RpcError as error:
            return error.code()

    try:
        with futures.ThreadPoolExecutor(len(slots)) as pool:
            outcomes = list(pool.map(attempt, slots))
    finally:
        channel.close()
    assert outcomes.count("booked") == 2, outcomes
    assert set(outcomes) == {"booked", grpc.StatusCode.FAILED_PRECONDITION}, outcomes
