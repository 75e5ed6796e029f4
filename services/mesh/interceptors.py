"""The one fixed interceptor chain every server runs: tracing → metrics → logging → origin → auth →
validation → errors (tracing: mesh.tracing, the span of the call in the edge's trace; origin:
mesh.origin, the client address the edge vouches for).

Auth, validation and error mapping apply to the platform's own RPCs (`/padel.…`); health and
reflection stay open to operators and only pass through metrics and logging.
"""

import functools
import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable

import grpc
import protovalidate
from google.protobuf import descriptor_pool, duration_pb2
from google.protobuf.message import DecodeError
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_interceptor import ServerInterceptor
from grpc_status import rpc_status

from mesh import caller, errors, metrics
from mesh.logs import REQUEST_ID
from mesh.origin import OriginInterceptor
from mesh.tracing import TracingInterceptor
from mesh.tokens import TokenVerifier

log = logging.getLogger("padel.rpc")

_CODES = {
    errors.InvalidArgument: code_pb2.INVALID_ARGUMENT,
    errors.NotFound: code_pb2.NOT_FOUND,
    errors.AlreadyExists: code_pb2.ALREADY_EXISTS,
    errors.Conflict: code_pb2.ABORTED,
    errors.FailedPrecondition: code_pb2.FAILED_PRECONDITION,
    errors.Unauthenticated: code_pb2.UNAUTHENTICATED,
    errors.PermissionDenied: code_pb2.PERMISSION_DENIED,
    errors.ResourceExhausted: code_pb2.RESOURCE_EXHAUSTED,
    errors.Unavailable: code_pb2.UNAVAILABLE,
}


def _is_platform(method_name: str) -> bool:
    return method_name.startswith("/padel.")


@functools.lru_cache(maxsize=None)
def _method(method_name: str):
    """The method descriptor of '/pkg.Service/Method', or None for unknown methods."""
    service, _, name = method_name.lstrip("/").rpartition("/")
    try:
        return descriptor_pool.Default().FindServiceByName(service).methods_by_name[name]
    except KeyError:
        return None


@functools.lru_cache(maxsize=None)
def _labels(method_name: str) -> tuple[str, str, str]:
    service, _, name = method_name.lstrip("/").rpartition("/")
    method = _method(method_name)
    streaming = (method.client_streaming, method.server_streaming) if method else (False, False)
    kind = {(False, False): "unary", (False, True): "server_stream",
            (True, False): "client_stream", (True, True): "bidi_stream"}[streaming]
    return kind, service, name


@dataclass(frozen=True)
class _Series:
    """A method's metric series, looked up once (a labelled child costs a lock and a lookup per call)."""

    started: Any
    seconds: Any
    sent: Any
    streams: bool
    handled: Callable[[str], Any]  # by status code name


@functools.lru_cache(maxsize=None)
def _series(method_name: str) -> _Series:
    labels = _labels(method_name)
    return _Series(started=metrics.STARTED.labels(*labels), seconds=metrics.HANDLING_SECONDS.labels(*labels),
                   sent=metrics.MSG_SENT.labels(*labels), streams=labels[0] in ("server_stream", "bidi_stream"),
                   handled=functools.lru_cache(maxsize=None)(lambda code: metrics.HANDLED.labels(*labels, code)))


@functools.lru_cache(maxsize=None)
def is_public(method_name: str) -> bool:
    """Whether the contract marks the RPC `(padel.access.v1.access).public`."""
    from padel.access.v1 import access_pb2

    method = _method(method_name)
    return bool(method and method.GetOptions().Extensions[access_pb2.access].public)


def _code(context: grpc.ServicerContext) -> grpc.StatusCode:
    return context.code() or grpc.StatusCode.OK


def abort(context: grpc.ServicerContext, error: errors.DomainError, domain: str) -> None:
    """Ends the RPC with the error's code, message and google.rpc details (ErrorInfo, BadRequest, RetryInfo)."""
    status = status_pb2.Status(code=_CODES.get(type(error), code_pb2.INTERNAL), message=error.message)
    status.details.add().Pack(error_details_pb2.ErrorInfo(reason=error.reason, domain=domain))
    if isinstance(error, errors.InvalidArgument) and error.fields:
        status.details.add().Pack(error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=f, description=d) for f, d in error.fields.items()]))
    retry_after = getattr(error, "retry_after_seconds", None)
    if retry_after is not None:
        status.details.add().Pack(error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=retry_after)))
    trailer = rpc_status.to_status(status)
    if retry_after is not None:
        # abort_with_status sends only the status's own trailing metadata, so the hint goes there.
        trailer = trailer._replace(trailing_metadata=(*trailer.trailing_metadata, ("retry-after", str(retry_after))))
    context.abort_with_status(trailer)


class MetricsInterceptor(ServerInterceptor):
    """Counts and times every RPC with go-grpc-prometheus names and labels."""

    def intercept(self, method, request, context, method_name):
        series = _series(method_name)
        series.started.inc()
        started = time.perf_counter()
        try:
            response = method(request, context)
        except Exception:
            self._handled(series, context, started)
            raise
        if series.streams:
            return self._stream(response, series, context, started)
        self._handled(series, context, started)
        return response

    def _stream(self, responses, series, context, started):
        try:
            for response in responses:
                series.sent.inc()
                yield response
        finally:
            self._handled(series, context, started)

    @staticmethod
    def _handled(series, context, started):
        series.handled(_code(context).name).inc()
        series.seconds.observe(time.perf_counter() - started)


class LoggingInterceptor(ServerInterceptor):
    """One JSON line per RPC with method, status, duration and the request id Envoy assigned."""

    def __init__(self, service: str):
        self.service = service

    def intercept(self, method, request, context, method_name):
        request_id = dict(context.invocation_metadata()).get("x-request-id") or uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            return method(request, context)
        finally:
            code = _code(context)
            log.log(logging.WARNING if code == grpc.StatusCode.INTERNAL else logging.INFO, "rpc", extra={
                "method": method_name, "status": code.name,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
            REQUEST_ID.reset(token)


class AuthInterceptor(ServerInterceptor):
    """Verifies the bearer token on every platform RPC not marked public, and binds the caller."""

    def __init__(self, verifier: TokenVerifier | None, domain: str):
        self.verifier = verifier
        self.domain = domain

    def _caller(self, context, method_name) -> caller.Caller | None:
        header = dict(context.invocation_metadata()).get("authorization", "")
        scheme, _, token = header.partition(" ")
        public = is_public(method_name)
        if not token or scheme.lower() != "bearer":
            if public:
                return None
            raise errors.Unauthenticated("sign in first: this call needs an access token")
        if self.verifier is None:
            if public:
                return None  # nothing here checks tokens (the edge directory); a public call needs none
            raise errors.Unavailable("token verification is not configured")
        try:
            return self.verifier.verify(token)
        except (errors.Unauthenticated, errors.Unavailable):
            if public:
                return None  # a stale or (for now) uncheckable token on a public call is ignored, as if absent
            raise

    def intercept(self, method, request, context, method_name):
        if not _is_platform(method_name):
            return method(request, context)
        try:
            who = self._caller(context, method_name)
        except errors.DomainError as error:
            abort(context, error, self.domain)
        token = caller.bind(who)
        try:
            return method(request, context)
        finally:
            caller.unbind(token)


def _field_path(violation: protovalidate.Violation) -> str:
    """`venue.opening_hours[0].open` from protovalidate's structured path."""
    parts = []
    for element in violation.proto.field.elements:
        subscript = element.subscript
        parts.append(element.field_name + (f"[{subscript.value}]" if subscript is not None else ""))
    return ".".join(parts)


def _enum_of(request, violation: protovalidate.Violation):
    """The enum type of the violated field, or None when it is not an enum."""
    descriptor, field = request.DESCRIPTOR, None
    for element in violation.proto.field.elements:
        field = descriptor.fields_by_name.get(element.field_name) if descriptor else None
        if field is None:
            return None
        descriptor = field.message_type
    return field.enum_type if field is not None else None


def _readable(request, violation: protovalidate.Violation) -> str:
    """protovalidate's message, with enum numbers ("must be in list [2, 3]") given their names."""
    message = violation.proto.message
    enum = _enum_of(request, violation)
    if enum is None:
        return message

    def named(match: re.Match) -> str:
        numbers = [int(n) for n in match.group(1).split(",")]
        return "[" + ", ".join(enum.values_by_number[n].name if n in enum.values_by_number else str(n)
                               for n in numbers) + "]"

    return re.sub(r"\[(-?\d+(?:, ?-?\d+)*)\]", named, message)


TIMESTAMP = "google.protobuf.Timestamp"
# google.protobuf.Timestamp's range, as its definition gives it: 0001-01-01 to 9999-12-31 UTC.
TIMESTAMP_SECONDS, TIMESTAMP_NANOS = range(-62135596800, 253402300800), range(0, 1_000_000_000)
NO_TIME = "not a time (0001-01-01 to 9999-12-31 UTC, nanos 0 to 999999999)"


def _reaches_timestamp(descriptor, visiting: tuple = ()) -> bool:
    if descriptor.full_name == TIMESTAMP:
        return True
    return descriptor not in visiting and any(
        f.message_type is not None and _reaches_timestamp(f.message_type, (*visiting, descriptor))
        for f in descriptor.fields)


@functools.cache
def _timestamp_fields(descriptor) -> tuple:
    """The fields of a message type through which a Timestamp is reached (none for most requests)."""
    return tuple(f for f in descriptor.fields if f.message_type is not None and _reaches_timestamp(f.message_type))


def _invalid_times(message, path: str = "") -> dict[str, str]:
    """The Timestamps in `message` that no date is (protovalidate leaves them be; the service's
    conversion would fail): field path → reason. Native gRPC can send any seconds and nanos."""
    if message.DESCRIPTOR.full_name == TIMESTAMP:
        valid = message.seconds in TIMESTAMP_SECONDS and message.nanos in TIMESTAMP_NANOS
        return {} if valid else {path: NO_TIME}
    found: dict[str, str] = {}
    for field in _timestamp_fields(message.DESCRIPTOR):
        name, value = f"{path}.{field.name}" if path else field.name, getattr(message, field.name)
        if field.is_repeated:
            items = value.values() if field.message_type.GetOptions().map_entry else value
            for index, item in enumerate(items):
                found.update(_invalid_times(item, f"{name}[{index}]"))
        elif message.HasField(field.name):
            found.update(_invalid_times(value, name))
    return found


@dataclass(frozen=True)
class Undecodable:
    """Stands in for a request whose bytes are not a message of the method's input type."""

    message_type: str


def _tolerant(deserialize, message_type: str):
    """The method's request deserializer, giving `Undecodable` instead of raising.

    grpc-python deserializes before any interceptor runs and answers a DecodeError itself, with
    INTERNAL and a logged traceback; with this, the failure reaches the validation interceptor.
    """

    def parse(data: bytes):
        try:
            return deserialize(data)
        except DecodeError:
            return Undecodable(message_type)

    return parse


class ValidationInterceptor(ServerInterceptor):
    """Enforces the protovalidate rules written in the contracts before any service code runs, and
    refuses requests that are not even a message of the right type, or carry a time no date is."""

    def __init__(self, domain: str):
        self.domain = domain
        self.validator = protovalidate.Validator()

    def intercept_service(self, continuation, handler_call_details):
        handler = super().intercept_service(continuation, handler_call_details)
        method = _method(handler_call_details.method) if _is_platform(handler_call_details.method) else None
        if handler is None or method is None or handler.request_streaming or handler.request_deserializer is None:
            return handler
        # The outer interceptors copy this deserializer into the handler grpc finally runs.
        return handler._replace(request_deserializer=_tolerant(handler.request_deserializer,
                                                               method.input_type.full_name))

    def intercept(self, method, request, context, method_name):
        if isinstance(request, Undecodable):
            abort(context, errors.InvalidArgument(f"the request is not a valid {request.message_type}",
                                                  reason="MALFORMED_REQUEST"), self.domain)
        if _is_platform(method_name):
            fields = _invalid_times(request)
            for violation in self.validator.collect_violations(request):
                fields.setdefault(_field_path(violation), _readable(request, violation))
            if fields:
                message = "invalid request: " + "; ".join(f"{f}: {d}" for f, d in fields.items())
                abort(context, errors.InvalidArgument(message, fields=fields), self.domain)
        return method(request, context)


class ErrorInterceptor(ServerInterceptor):
    """Maps domain errors to status codes and hides everything else as INTERNAL. Infrastructure
    faults arrive here as domain errors already: they are mapped where they are met (the database
    session, the Redis callers, the peer client)."""

    def __init__(self, domain: str):
        self.domain = domain

    def intercept(self, method, request, context, method_name):
        if not _is_platform(method_name):
            return method(request, context)
        try:
            return method(request, context)
        except errors.DomainError as error:
            abort(context, error, self.domain)
        except Exception:
            if context.code() not in (None, grpc.StatusCode.OK):
                raise  # already aborted by the servicer's own status
            log.exception("unhandled error in %s", method_name)
            abort(context, errors.DomainError("internal error"), self.domain)


def chain(service: str, verifier: TokenVerifier | None, edge_secret: str = "") -> list[grpc.ServerInterceptor]:
    """The platform's interceptors, outermost first. Without `edge_secret` no caller is believed
    about its client address."""
    domain = f"{service}.padel"
    return [TracingInterceptor(), MetricsInterceptor(), LoggingInterceptor(service), OriginInterceptor(edge_secret),
            AuthInterceptor(verifier, domain), ValidationInterceptor(domain), ErrorInterceptor(domain)]
