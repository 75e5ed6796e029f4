"""gRPC channels to other services, made once per address and shared (channels multiplex calls)."""

import functools

import grpc

# Keepalive so a peer that vanished (pod gone) is noticed instead of hanging calls.
_OPTIONS = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 5_000),
    ("grpc.enable_retries", 1),
]
CALL_TIMEOUT_SECONDS = 5.0


@functools.lru_cache(maxsize=None)
def channel(address: str) -> grpc.Channel:
    return grpc.insecure_channel(address, options=_OPTIONS)


def jwks_fetcher(auth_address: str):
    """A JWKS source for `mesh.tokens.TokenVerifier` that asks auth_svc over gRPC."""
    from google.protobuf import json_format
    from padel.auth.v1 import auth_service_pb2, auth_service_pb2_grpc

    stub = auth_service_pb2_grpc.AuthServiceStub(channel(auth_address))

    def fetch() -> dict:
        response = stub.GetJwks(auth_service_pb2.GetJwksRequest(), timeout=CALL_TIMEOUT_SECONDS)
        return json_format.MessageToDict(response, preserving_proto_field_name=True)

    return fetch
