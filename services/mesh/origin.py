"""Where a call comes from: the client address the edge vouches for, else the caller's own gRPC
peer address, whatever metadata the caller sends.

Envoy sets two headers on every request it forwards, replacing any copy a client sent:
`x-padel-client-address` (the address it took the request from) and `x-padel-edge-secret` (a
secret only the edge and the services know, read from PADEL_EDGE_SECRET_FILE). A service believes
the address only beside the right secret; anyone who reaches a service port directly is known by
the address the connection comes from, so forged metadata buys a caller nothing (the per-address
login throttle counts them all as one).

The embedded shape generates the secret on first start: whichever process comes first writes the
file, every other reads it. In Kubernetes it is a Secret mounted into the edge and every service.
"""

import contextvars
import hmac
import os
import pathlib
import secrets

import grpc
from grpc_interceptor import ServerInterceptor

from mesh.settings import SettingsError

SECRET_HEADER = "x-padel-edge-secret"
CLIENT_ADDRESS_HEADER = "x-padel-client-address"
# `python -m edge` hands Envoy the secret in this environment variable: the rendered config names
# only the variable, so the secret is in no config file and no config dump.
ENVOY_SECRET_VARIABLE = "ENVOY_EDGE_SECRET"
MIN_SECRET_LENGTH = 32
SECRET_VARIABLE = "PADEL_EDGE_SECRET_FILE"

_vouched: contextvars.ContextVar[str | None] = contextvars.ContextVar("padel_client_address", default=None)


def load_secret(path: pathlib.Path) -> str:
    """The edge secret kept in `path`, created there (random, readable only by its owner) when the
    file does not exist yet. Surrounding whitespace is not part of it."""
    try:
        secret = path.read_text().strip() if path.exists() else _create(path)
    except OSError as exc:
        raise SettingsError(f"{SECRET_VARIABLE}: cannot read or create {path}: {exc.strerror}") from None
    if len(secret) < MIN_SECRET_LENGTH:
        raise SettingsError(f"{SECRET_VARIABLE}: the secret in {path} is shorter than {MIN_SECRET_LENGTH} characters")
    return secret


def _create(path: pathlib.Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48) + "\n")
    try:
        os.link(draft, path)  # atomic, and refused if another process was first: then theirs counts
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def peer_address(context: grpc.ServicerContext) -> str:
    """The address the caller's connection comes from ("ipv4:127.0.0.1:54321" → "127.0.0.1")."""
    peer = context.peer() or ""
    kind, _, rest = peer.partition(":")
    return rest.rpartition(":")[0] if kind in ("ipv4", "ipv6") else peer


def client_address(context: grpc.ServicerContext) -> str:
    """The client's address for the RPC being served: the one the edge vouched for, else the peer's."""
    return _vouched.get() or peer_address(context)


class OriginInterceptor(ServerInterceptor):
    """Binds, for one RPC, the client address the edge vouched for: none without the right secret."""

    def __init__(self, secret: str):
        self._secret = secret.encode()

    def _vouched_address(self, context: grpc.ServicerContext) -> str | None:
        metadata = dict(context.invocation_metadata())
        offered = str(metadata.get(SECRET_HEADER, "")).encode()
        if self._secret and hmac.compare_digest(offered, self._secret):
            return metadata.get(CLIENT_ADDRESS_HEADER) or None
        return None

    def intercept(self, method, request, context, method_name):
        token = _vouched.set(self._vouched_address(context))
        try:
            return method(request, context)
        finally:
            _vouched.reset(token)
