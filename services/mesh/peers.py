"""gRPC channels to other services, made once per address and shared (channels multiplex calls)."""

import functools

import grpc

from mesh import tracing
from mesh.errors import Unavailable

# Keepalive so a peer that vanished (pod gone) is noticed instead of hanging calls.
_OPTIONS = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 5_000),
    ("grpc.enable_retries", 1),
]
CALL_TIMEOUT_SECONDS = 5.0
_PEER_DOWN = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}


@functools.lru_cache(maxsize=None)
def channel(address: str) -> grpc.Channel:
    return tracing.traced_channel(grpc.insecure_channel(address, options=_OPTIONS))


def call(method, request, *, token: str | None = None):
    """One call to a peer service, as the person whose access `token` is given (the peer applies its
    own rules to them) or anonymously; a peer that is down or too slow is `mesh.errors.Unavailable`
    (the one place peer faults are mapped), any other failure stays an error of the caller's own."""
    metadata = (("authorization", f"Bearer {token}"),) if token else None
    try:
        return method(request, timeout=CALL_TIMEOUT_SECONDS, metadata=metadata)
    except grpc.RpcError as error:
        if error.code() in _PEER_DOWN:
            raise Unavailable(f"a platform service is unavailable: {error.details()}") from error
        raise


def jwks_fetcher(auth_address: str):
    """A JWKS source for `mesh.tokens.TokenVerifier` that asks auth_svc over gRPC."""
    from google.protobuf import json_format
    from padel.auth.v1 import auth_service_pb2, auth_service_pb2_grpc

    stub = auth_service_pb2_grpc.AuthServiceStub(channel(auth_address))

    def fetch() -> dict:
        response = call(stub.GetJwks, auth_service_pb2.GetJwksRequest())
        return json_format.MessageToDict(response, preserving_proto_field_name=True)

    return fetch
