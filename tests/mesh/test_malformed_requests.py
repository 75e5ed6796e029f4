"""Bytes that are not a protobuf message, sent over native gRPC, get INVALID_ARGUMENT naming the
expected message, from every service, without a traceback in its log."""

import logging

import grpc
import pytest
from grpc_status import rpc_status

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
