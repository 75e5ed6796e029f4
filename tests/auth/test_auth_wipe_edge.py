"""Redis losing its data does not bring signed-out sessions back: through the real Envoy edge over
REST and by direct gRPC to every service, on the Redis stand-in and on real Redis.

The platform here is this module's own (`padel run` on a Redis the test controls), because wiping
the Redis of the session-wide platforms would lose other tests' events in flight.
"""

import threading
import time

import grpc
import pytest
from padel.auth.v1 import auth_service_pb2, auth_service_pb2_grpc
from padel.booking.v1 import booking_service_pb2, booking_service_pb2_grpc
from padel.notify.v1 import notify_service_pb2, notify_service_pb2_grpc
from padel.user.v1 import user_service_pb2, user_service_pb2_grpc

from mesh.redis import make_redis
from padel_testkit import free_port, launch_platform, real_server, stop_platform
from test_auth_edge import PASSWORD, get, new_player, post, status

PATHS = ("/api/auth/me", "/api/users/profile", "/api/bookings/bookings", "/api/notifications/inbox")


@pytest.fixture(scope="module", params=["stand-in", pytest.param("real", marks=[pytest.mark.redis, pytest.mark.slow])])
def wiped(request, tmp_path_factory):
    """A platform on a Redis of this module's own; yields (platform, client of that Redis)."""
    server = None
    if request.param == "stand-in":
        from fakeredis import TcpFakeServer

        server = TcpFakeServer(("127.0.0.1", free_port()))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"redis://127.0.0.1:{server.server_address[1]}/0"
    else:
        url = real_server("PADEL_TEST_REDIS_URL")
    client = make_redis(url)
    client.flushdb()
    platform = launch_platform(tmp_path_factory.mktemp("wiped"), PADEL_REDIS_URL=url)
    yield platform, client
    stop_platform(platform)
    client.close()
    if server is not None:
        server.shutdown()


def direct_calls(platform):
    """One authenticated call to each service, straight to its gRPC port (past the edge)."""
    channels = {name: grpc.insecure_channel(platform.address(name)) for name in ("auth", "user", "booking", "notify")}
    return [
        (auth_service_pb2_grpc.AuthServiceStub(channels["auth"]).GetMe, auth_service_pb2.GetMeRequest()),
        (user_service_pb2_grpc.UserServiceStub(channels["user"]).GetProfile, user_service_pb2.GetProfileRequest()),
        (booking_service_pb2_grpc.BookingServiceStub(channels["booking"]).ListBookings,
         booking_service_pb2.ListBookingsRequest()),
        (notify_service_pb2_grpc.NotifyServiceStub(channels["notify"]).ListInbox, notify_service_pb2.ListInboxRequest()),
    ]


def until_restored(attempt):
    """Retries `attempt()` (an HTTP status or gRPC code) while it says "unavailable" (the
    revocations being restored); returns the first other answer."""
    deadline = time.monotonic() + 30
    while True:
        answer = attempt()
        if answer not in (503, grpc.StatusCode.UNAVAILABLE) or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def grpc_code(call, request, token: str):
    try:
        call(request, metadata=(("authorization", f"Bearer {token}"),), timeout=10)
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def test_signed_out_and_revoked_sessions_stay_refused_after_redis_loses_its_data(wiped):
    platform, redis_client = wiped
    email, _ = new_player(platform)
    signed_out = status(post(platform, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]
    status(post(platform, "/api/auth/logout", {}, signed_out["access_token"]), 200)
    first = status(post(platform, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]
    second = status(post(platform, "/api/auth/refresh", {"refresh_token": first["refresh_token"]}), 200)["tokens"]
    status(post(platform, "/api/auth/refresh", {"refresh_token": first["refresh_token"]}), 401)  # replayed
    kept = status(post(platform, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]

    redis_client.flushdb()

    for token in (signed_out["access_token"], second["access_token"]):
        for path in PATHS:
            answer = until_restored(lambda: get(platform, path, token).status_code)
            assert answer == 401, (path, answer)
        for call, request in direct_calls(platform):
            assert until_restored(lambda: grpc_code(call, request, token)) == grpc.StatusCode.UNAUTHENTICATED, call
    for spent in (signed_out["refresh_token"], second["refresh_token"]):
        status(post(platform, "/api/auth/refresh", {"refresh_token": spent}), 401)
    for path in PATHS:  # a session nobody ended still works everywhere
        assert get(platform, path, kept["access_token"]).status_code == 200, path
