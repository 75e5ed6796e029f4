"""The interceptor chain every service runs, exercised on a real server on port 0.

A stand-in servicer for the booking contract lets each test decide what the "domain" does, so
these tests pin the chain itself: validation before any code runs, default-deny authentication,
error mapping with google.rpc details, metrics and JSON logs.
"""

import io
import json
import logging
import os
import time
import uuid
from datetime import timedelta

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from padel.booking.v1 import booking_service_pb2 as pb
from padel.booking.v1 import booking_service_pb2_grpc

from mesh import caller, errors, logs, metrics, peers, server
from mesh.db import Database
from mesh.redis import make_redis
from mesh.settings import ServiceSettings
from mesh.tokens import RevocationList, TokenVerifier


class StandIn(booking_service_pb2_grpc.BookingServiceServicer):
    """Records calls; raises whatever the test puts in `fail_with`."""

    def __init__(self):
        self.calls = 0
        self.fail_with: Exception | None = None
        self.seen_caller = "unset"

    def _serve(self):
        self.calls += 1
        self.seen_caller = caller.optional()
        if self.fail_with is not None:
            raise self.fail_with

    def Book(self, request, context):
        self._serve()
        return pb.BookResponse()

    def ListBookings(self, request, context):
        self._serve()
        return pb.ListBookingsResponse(next_page_token=caller.current().user_id)

    def GetVenue(self, request, context):
        self._serve()
        return pb.GetVenueResponse()


@pytest.fixture
def chain(tmp_path, token_issuer):
    settings = ServiceSettings.from_env("booking", {"PADEL_DATA_DIR": str(tmp_path), "PADEL_BOOKING_PORT": "0"})
    client = make_redis("")
    client.flushdb()
    revocations = RevocationList(client)
    revocations.refill(lambda: ([], []))  # what auth_svc does at start: nothing revoked yet
    verifier = TokenVerifier(peers.jwks_fetcher(token_issuer.address), "padel-auth", "padel-platform", revocations)
    servicer = StandIn()
    host, port = server.build(
        "booking", settings, [(booking_service_pb2_grpc.add_BookingServiceServicer_to_server, servicer)],
        [settings.grpc_service], verifier=verifier, database=Database(f"sqlite:///{tmp_path / 'b.db'}"))
    host.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield booking_service_pb2_grpc.BookingServiceStub(channel), servicer, revocations
    channel.close()
    host.stop(0)


def _details(error: grpc.RpcError, kind):
    status = rpc_status.from_call(error)
    found = []
    for detail in status.details:
        message = kind()
        if detail.Unpack(message):
            found.append(message)
    return found


def test_bad_input_is_refused_naming_each_field_before_any_code_runs(chain, token_issuer):
    stub, servicer, _ = chain
    with pytest.raises(grpc.RpcError) as failure:
        stub.Book(pb.BookRequest(court_id="nope", duration_minutes=5, idempotency_key="k"),
                  metadata=token_issuer.metadata())
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "court_id" in failure.value.details() and "duration_minutes" in failure.value.details()
    [bad_request] = _details(failure.value, error_details_pb2.BadRequest)
    assert {v.field for v in bad_request.field_violations} == {
        "court_id", "start_time", "duration_minutes", "idempotency_key"}
    assert servicer.calls == 0


def test_repeated_field_violations_name_the_index(chain, token_issuer):
    stub, _, _ = chain
    request = pb.BookRequest(court_id=str(uuid.uuid4()), duration_minutes=60, idempotency_key="key-12345",
                             participant_ids=[str(uuid.uuid4()), "bad"])
    request.start_time.GetCurrentTime()
    with pytest.raises(grpc.RpcError) as failure:
        stub.Book(request, metadata=token_issuer.metadata())
    [bad_request] = _details(failure.value, error_details_pb2.BadRequest)
    assert [v.field for v in bad_request.field_violations] == ["participant_ids[1]"]


def test_private_rpc_without_token_is_unauthenticated(chain):
    stub, servicer, _ = chain
    with pytest.raises(grpc.RpcError) as failure:
        stub.ListBookings(pb.ListBookingsRequest())
    assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert servicer.calls == 0


def test_valid_token_binds_the_caller(chain, token_issuer):
    stub, _, _ = chain
    user_id = str(uuid.uuid4())
    answer = stub.ListBookings(pb.ListBookingsRequest(), metadata=token_issuer.metadata(user_id))
    assert answer.next_page_token == user_id


def test_public_rpc_needs_no_token(chain):
    stub, servicer, _ = chain
    stub.GetVenue(pb.GetVenueRequest(venue_id=str(uuid.uuid4())))
    assert servicer.seen_caller is None


def _forged(token_issuer, how: str) -> str:
    if how == "expired":
        return token_issuer.token(lifetime=timedelta(minutes=-5))
    if how == "wrong_key":
        return token_issuer.token(key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    if how == "wrong_audience":
        return token_issuer.token(aud="someone-else")
    if how == "wrong_issuer":
        return token_issuer.token(iss="evil")
    if how == "tampered":
        header, payload, signature = token_issuer.token().split(".")
        claims = json.loads(jwt.utils.base64url_decode(payload))
        claims["roles"] = ["admin"]
        forged = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
        return f"{header}.{forged}.{signature}"
    if how == "alg_none":
        return jwt.encode({"sub": str(uuid.uuid4()), "roles": ["admin"]}, None, algorithm="none",
                          headers={"kid": token_issuer.kid})
    if how == "hmac_with_public_key":
        from cryptography.hazmat.primitives import serialization

        public_pem = token_issuer.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        header = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "typ": "JWT", "kid": token_issuer.kid}).encode())
        payload = jwt.utils.base64url_encode(json.dumps({"sub": "x", "roles": ["admin"]}).encode())
        import hashlib
        import hmac

        signing_input = header + b"." + payload
        signature = jwt.utils.base64url_encode(hmac.new(public_pem, signing_input, hashlib.sha256).digest())
        return (signing_input + b"." + signature).decode()
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["expired", "wrong_key", "wrong_audience", "wrong_issuer", "tampered",
                                 "alg_none", "hmac_with_public_key"])
def test_bad_tokens_are_refused(chain, token_issuer, how):
    stub, servicer, _ = chain
    with pytest.raises(grpc.RpcError) as failure:
        stub.ListBookings(pb.ListBookingsRequest(), metadata=(("authorization", f"Bearer {_forged(token_issuer, how)}"),))
    assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert servicer.calls == 0


def test_revoked_token_is_refused(chain, token_issuer):
    stub, _, revocations = chain
    token = token_issuer.token()
    metadata = (("authorization", f"Bearer {token}"),)
    stub.ListBookings(pb.ListBookingsRequest(), metadata=metadata)
    claims = jwt.decode(token, options={"verify_signature": False})
    from datetime import datetime, timezone

    revocations.revoke_token(claims["jti"], datetime.fromtimestamp(claims["exp"], tz=timezone.utc))
    with pytest.raises(grpc.RpcError) as failure:
        stub.ListBookings(pb.ListBookingsRequest(), metadata=metadata)
    assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "revoked" in failure.value.details()


def test_a_token_accepted_before_is_refused_once_it_expires(chain, token_issuer):
    """Verified tokens are remembered (their signature is not checked again), never past their expiry."""
    from mesh.tokens import CLOCK_SKEW_SECONDS

    stub, _, _ = chain
    now = time.time()
    expires = int(now) - CLOCK_SKEW_SECONDS + 2  # accepted for 1 to 2 s more, within the allowed clock skew
    token = token_issuer.token(iat=int(now) - 60, exp=expires)
    metadata = (("authorization", f"Bearer {token}"),)
    assert stub.ListBookings(pb.ListBookingsRequest(), metadata=metadata).next_page_token  # the caller's id
    while time.time() < expires + CLOCK_SKEW_SECONDS:
        time.sleep(0.1)
    with pytest.raises(grpc.RpcError) as failure:
        stub.ListBookings(pb.ListBookingsRequest(), metadata=metadata)
    assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert failure.value.details() == "access token expired"


def test_a_cut_off_refuses_the_users_tokens_issued_until_then_and_no_later(chain, token_issuer):
    from datetime import datetime, timezone

    stub, _, revocations = chain
    user_id, now = str(uuid.uuid4()), datetime.now(timezone.utc)
    older, later = (token_issuer.token(user_id, iat=int(now.timestamp()) + shift) for shift in (0, 1))
    other = token_issuer.token(iat=int(now.timestamp()))
    revocations.cut_off(user_id, int(now.timestamp()), now + timedelta(minutes=15))
    revocations.cut_off(user_id, int(now.timestamp()) - 60, now + timedelta(minutes=15))  # an older one, late
    with pytest.raises(grpc.RpcError) as failure:
        stub.ListBookings(pb.ListBookingsRequest(), metadata=(("authorization", f"Bearer {older}"),))
    assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
    for token in (later, other):
        stub.ListBookings(pb.ListBookingsRequest(), metadata=(("authorization", f"Bearer {token}"),))


def test_after_redis_lost_its_data_tokens_are_refused_until_the_revocations_are_restored(chain, token_issuer):
    stub, servicer, revocations = chain
    metadata = token_issuer.metadata()
    stub.ListBookings(pb.ListBookingsRequest(), metadata=metadata)
    revocations.redis.flushdb()  # a restart without persistence, a failover to an empty replica
    with pytest.raises(grpc.RpcError) as failure:
        stub.ListBookings(pb.ListBookingsRequest(), metadata=metadata)
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    assert failure.value.details() == "sign-in check is being restored; retry"
    # A public call does not need the token: it is answered, as if sent without one.
    stub.GetVenue(pb.GetVenueRequest(venue_id=str(uuid.uuid4())), metadata=metadata)
    assert servicer.seen_caller is None
    revocations.refill(lambda: ([], []))
    stub.ListBookings(pb.ListBookingsRequest(), metadata=metadata)


@pytest.mark.parametrize("raised, code, reason", [
    (errors.NotFound("no such venue"), grpc.StatusCode.NOT_FOUND, "NOT_FOUND"),
    (errors.Conflict("this slot was just taken"), grpc.StatusCode.ABORTED, "CONFLICT"),
    (errors.AlreadyExists("email taken"), grpc.StatusCode.ALREADY_EXISTS, "ALREADY_EXISTS"),
    (errors.PermissionDenied("not your venue"), grpc.StatusCode.PERMISSION_DENIED, "PERMISSION_DENIED"),
    (errors.FailedPrecondition("cannot go from completed to cancelled"), grpc.StatusCode.FAILED_PRECONDITION,
     "FAILED_PRECONDITION"),
    (errors.Unavailable("database unavailable"), grpc.StatusCode.UNAVAILABLE, "UNAVAILABLE"),
])
def test_domain_errors_map_to_status_codes_with_error_info(chain, raised, code, reason):
    stub, servicer, _ = chain
    servicer.fail_with = raised
    with pytest.raises(grpc.RpcError) as failure:
        stub.GetVenue(pb.GetVenueRequest(venue_id=str(uuid.uuid4())))
    assert failure.value.code() == code
    assert failure.value.details() == raised.message
    [info] = _details(failure.value, error_details_pb2.ErrorInfo)
    assert info.reason == reason and info.domain == "booking.padel"


def test_too_many_attempts_carry_a_retry_hint(chain):
    stub, servicer, _ = chain
    servicer.fail_with = errors.ResourceExhausted("too many attempts", retry_after_seconds=42)
    with pytest.raises(grpc.RpcError) as failure:
        stub.GetVenue(pb.GetVenueRequest(venue_id=str(uuid.uuid4())))
    assert failure.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    [retry] = _details(failure.value, error_details_pb2.RetryInfo)
    assert retry.retry_delay.seconds == 42
    assert ("retry-after", "42") in failure.value.trailing_metadata()


def test_unexpected_errors_are_internal_without_leaking_the_cause(chain):
    stub, servicer, _ = chain
    servicer.fail_with = RuntimeError("password=hunter2 in a stack trace")
    with pytest.raises(grpc.RpcError) as failure:
        stub.GetVenue(pb.GetVenueRequest(venue_id=str(uuid.uuid4())))
    assert failure.value.code() == grpc.StatusCode.INTERNAL
    assert failure.value.details() == "internal error"


def test_metrics_count_each_call_by_code(chain, token_issuer):
    stub, _, _ = chain

    def handled(code):
        return metrics.HANDLED.labels("unary", "padel.booking.v1.BookingService", "ListBookings", code)._value.get()

    ok, unauthenticated = handled("OK"), handled("UNAUTHENTICATED")
    stub.ListBookings(pb.ListBookingsRequest(), metadata=token_issuer.metadata())
    with pytest.raises(grpc.RpcError):
        stub.ListBookings(pb.ListBookingsRequest())
    assert (handled("OK"), handled("UNAUTHENTICATED")) == (ok + 1, unauthenticated + 1)


def test_each_call_logs_one_json_line_with_the_request_id(chain, token_issuer):
    stub, _, _ = chain
    stream = io.StringIO()
    logs.configure("booking", stream=stream)
    try:
        stub.ListBookings(pb.ListBookingsRequest(), metadata=(*token_issuer.metadata(), ("x-request-id", "req-123")))
    finally:
        logging.getLogger().handlers.clear()
        logs.stop()  # the writer thread has written every line
    [line] = [json.loads(l) for l in stream.getvalue().splitlines() if '"rpc"' in l]
    assert line["service"] == "booking" and line["request_id"] == "req-123" and line["process"] == os.getpid()
    assert line["method"] == "/padel.booking.v1.BookingService/ListBookings" and line["status"] == "OK"
    assert "authorization" not in stream.getvalue().lower() or "bearer" not in stream.getvalue().lower()


def test_enum_rules_name_the_values_not_their_numbers(tmp_path, token_issuer):
    from padel.auth.v1 import auth_pb2, auth_service_pb2, auth_service_pb2_grpc

    settings = ServiceSettings.from_env("auth", {"PADEL_DATA_DIR": str(tmp_path), "PADEL_AUTH_PORT": "0"})
    host, port = server.build("auth", settings, [(auth_service_pb2_grpc.add_AuthServiceServicer_to_server,
                                                  auth_service_pb2_grpc.AuthServiceServicer())],
                              [settings.grpc_service], verifier=None)
    host.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = auth_service_pb2_grpc.AuthServiceStub(channel)
            with pytest.raises(grpc.RpcError) as failure:
                stub.Register(auth_service_pb2.RegisterRequest(
                    email="a@b.pk", password="long enough pass", first_name="A", last_name="B",
                    role=auth_pb2.ROLE_ADMIN))
    finally:
        host.stop(0)
    assert failure.value.details() == (
        "invalid request: role: must be in list [ROLE_UNSPECIFIED, ROLE_PLAYER, ROLE_VENUE_OWNER]")
