"""GetAvailability throughput: direct gRPC to booking_svc vs REST/JSON through the Envoy edge.

    python bench/booking_availability.py [--seconds 5] [--clients 8]

Starts the whole platform on free ports (embedded shape: SQLite, Redis stand-in; `make run`'s
demo venues are seeded), asks for the Karachi demo venue's availability over each path,
sequentially and with several clients at once, and prints calls per second and the ratios.
No assertions: the figures depend on the machine; the ratios are what to compare.
"""

import argparse
import datetime as dt
import pathlib
import sys
import tempfile
import threading
import time
from zoneinfo import ZoneInfo

import grpc
import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "gen"), str(ROOT / "services"), str(ROOT), str(ROOT / "tests")]

from padel_testkit import launch_platform, stop_platform  # noqa: E402  (the test suite's launcher)
from padel.booking.v1 import booking_service_pb2 as api  # noqa: E402
from padel.booking.v1 import booking_service_pb2_grpc  # noqa: E402


def rate(call, seconds: float, clients: int) -> float:
    """Calls per second made by `clients` threads calling `call` in a loop for `seconds`."""
    counts = [0] * clients
    deadline = time.monotonic() + seconds

    def loop(i: int) -> None:
        while time.monotonic() < deadline:
            call()
            counts[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    options = parser.parse_args()

    platform = launch_platform(pathlib.Path(tempfile.mkdtemp(prefix="padel-bench-")))
    try:
        venues = requests.get(f"{platform.url}/api/bookings/venues", params={"city": "Karachi"}, timeout=10).json()
        venue_id = venues["venues"][0]["venue_id"]
        date = (dt.datetime.now(ZoneInfo("Asia/Karachi")).date() + dt.timedelta(days=2)).isoformat()
        request = api.GetAvailabilityRequest(venue_id=venue_id, date=date, duration_minutes=90)
        channel = grpc.insecure_channel(platform.address("booking"))
        stub = booking_service_pb2_grpc.BookingServiceStub(channel)
        params = {"venue_id": venue_id, "date": date, "duration_minutes": 90}
        local = threading.local()

        def direct() -> None:
            stub.GetAvailability(request, timeout=10)

        def rest() -> None:
            # One HTTP session per client thread (requests.Session is not thread-safe).
            if not hasattr(local, "session"):
                local.session = requests.Session()
            answer = local.session.get(f"{platform.url}/api/bookings/availability", params=params, timeout=10)
            answer.raise_for_status()

        direct(), rest()  # warm up both paths
        rows = []
        for clients in (1, options.clients):
            grpc_rate = rate(direct, options.seconds, clients)
            rest_rate = rate(rest, options.seconds, clients)
            rows.append((clients, grpc_rate, rest_rate))
        channel.close()
    finally:
        stop_platform(platform)

    print(f"GetAvailability, {options.seconds:.0f} s per cell (venue with 3 courts, 90-minute games)")
    print(f"{'clients':>8} {'gRPC direct/s':>14} {'REST via Envoy/s':>17} {'REST/gRPC':>10}")
    for clients, grpc_rate, rest_rate in rows:
        print(f"{clients:>8} {grpc_rate:>14.0f} {rest_rate:>17.0f} {rest_rate / grpc_rate:>10.2f}")


if __name__ == "__main__":
    main()
