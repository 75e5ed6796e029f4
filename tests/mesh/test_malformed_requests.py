"""Bytes that are not a protobuf message, sent over native gRPC, get INVALID_ARGUMENT naming the
expected message, from every service, without a traceback in its log; so does a Timestamp that is no
date, naming its field."""

import logging
import uuid

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_status import rpc_status
from padel.booking.v1 import booking_service_pb2, booking_service_pb2_grpc
from padel.match.v1 import match_pb2, match_service_pb2, match_service_pb2_grpc

from mesh import contracts
from mesh.interceptors import is_public
from mesh.settings import GRPC_SERVICES

# The bytes of the report: a varint that never ends (five 0xff-like bytes cannot close a tag), then junk.
MALFORMED = bytes.fromhex("ffffffff0f01")


def _methods(service: str) -> dict[str, str]:
    """Path → input message of the service's RPCs that a `token_issuer` token gets past auth for
    (auth_svc trusts only its own keys, so there only the public ones, Login among them)."""
    descriptor = next(s for s in contracts.services() if s.full_name == GRPC_SERVICES[service])
    methods = {f"/{descriptor.full_name}/{m.name}": m.input_type.full_name for m in descriptor.methods}
    return {path: message for path, message in methods.items() if service != "auth" or is_public(path)}


@pytest.mark.parametrize("service", ["auth", "user", "booking", "notify", "payment", "match"])
def test_malformed_bytes_are_invalid_argument_without_a_traceback(service, start_service, token_issuer, caplog):
    _, channel = start_service(service)
    methods = _methods(service)
    assert service != "auth" or "/padel.auth.v1.AuthService/Login" in methods
    caplog.set_level(logging.DEBUG)
    for path, message in methods.items():
        call = channel.unary_unary(path, request_serializer=None, response_deserializer=None)  # bytes as they are
        with pytest.raises(grpc.RpcError) as refused:
            call(MALFORMED, metadata=token_issuer.metadata(), timeout=10)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, (path, refused.value.details())
        assert refused.value.details() == f"the request is not a valid {message}"
        assert rpc_status.from_call(refused.value).message == refused.value.details()  # google.rpc.Status too
    assert [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()] == []
    assert not [r.getMessage() for r in caplog.records if "deserializ" in r.getMessage()]


# google.protobuf.Timestamp's range is 0001-01-01 to 9999-12-31 (its definition); nanos 0 to 999,999,999.
FAR = Timestamp(seconds=10**12)
BEFORE_THE_SECOND = Timestamp(seconds=1_800_000_000, nanos=-5)


def test_a_time_no_calendar_holds_is_invalid_argument_naming_the_field(start_service, token_issuer, caplog):
    """Over native gRPC a Timestamp can carry any numbers: one that is no date is refused by the
    validation every service runs, naming the field (also inside a message), never an INTERNAL."""
    _, booking_channel = start_service("booking")
    _, match_channel = start_service("match")
    booking = booking_service_pb2_grpc.BookingServiceStub(booking_channel)
    match = match_service_pb2_grpc.MatchServiceStub(match_channel)
    court = str(uuid.uuid4())
    caplog.set_level(logging.ERROR)
    calls = [
        (booking.Book, booking_service_pb2.BookRequest(court_id=court, start_time=FAR, duration_minutes=60,
                                                       idempotency_key="key-of-a-far-booking"), {"start_time"}),
        (booking.JoinWaitlist, booking_service_pb2.JoinWaitlistRequest(
            venue_id=str(uuid.uuid4()), window_start=BEFORE_THE_SECOND, window_end=FAR, duration_minutes=60),
         {"window_start", "window_end"}),
        (match.OpenMatch, match_service_pb2.OpenMatchRequest(
            kind=match_pb2.MATCH_KIND_FRIENDLY, gender_mode=match_pb2.GENDER_MODE_OPEN,
            slot=match_service_pb2.CourtSlot(court_id=court, start_time=FAR, duration_minutes=60)), {"slot.start_time"}),
    ]
    for call, request, fields in calls:
        with pytest.raises(grpc.RpcError) as refused:
            call(request, metadata=token_issuer.metadata(), timeout=10)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value.details()
        assert all(f"{field}: " in refused.value.details() for field in fields), refused.value.details()
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
