"""Traces across the mesh (OpenTelemetry, W3C trace context).

Envoy starts or continues a `traceparent` on every request; `TracingInterceptor`, the outermost
interceptor of every server, continues it with a SERVER span around each platform RPC. Database
statements (`watch_database`) and Redis commands (`watch_redis`) become its children. An event
written to the outbox keeps the `traceparent` of the work that wrote it, the relay carries it in the
stream entry, and the consumer handles the event in a CONSUMER span of that trace (`handling_event`),
so e.g. notify's work for a booking joins the booking's trace.

`configure` (once per server process, from `mesh.server.serve`) installs the SDK: spans go to an
OTLP/HTTP collector at PADEL_OTLP_ENDPOINT, else one JSON object a line (`span_line`) to
`<data dir>/traces/<service>.jsonl` (unless PADEL_TRACE_FILES is off). Without it (a server built in
a test) spans are not recorded, but trace context still flows from the caller to the outbox.

Only work that begins a trace on purpose is kept as a new trace: an RPC or an event, and of those
PADEL_TRACE_SAMPLE_PERCENT (Envoy keeps that share of the requests at the edge and says so in the
sampled flag of its `traceparent`, which a service follows, as it does the flag kept with an event).
A statement or Redis command outside both (a relay poll, a consumer's blocking read, a health ping)
is dropped. Work in a trace not kept records no span, but its trace id still reaches the log lines and
the outbox.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from contextlib import contextmanager
from typing import ContextManager, Iterator, Sequence

import grpc
import redis
from grpc_interceptor import ServerInterceptor
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.utils import is_instrumentation_enabled
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import Decision, ParentBased, Sampler, SamplingResult, TraceIdRatioBased
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from sqlalchemy import Engine, event

from mesh.settings import ServiceSettings

# The W3C header, and the name of the outbox column and stream entry field that carry it.
TRACEPARENT = "traceparent"
_PROPAGATOR = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("mesh")
# Codes that mean the server failed (the rest are the caller's: bad input, not found, conflict …).
_SERVER_FAULTS = frozenset({grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNAVAILABLE,
                            grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.DATA_LOSS,
                            grpc.StatusCode.UNIMPLEMENTED})
EXPORT_DELAY_MILLIS = 1000  # a newcomer sees a request's spans in the file about a second later


class TracingInterceptor(ServerInterceptor):
    """A SERVER span around every platform RPC, continuing the caller's `traceparent` (Envoy's);
    health and reflection are not traced. Outermost in the chain, so every log line of the call
    carries its trace id. The platform's RPCs are unary: the span ends with the call.

    The status is the call's gRPC code; only a server fault (INTERNAL, UNAVAILABLE …) marks the span
    failed, not a caller's mistake (INVALID_ARGUMENT, NOT_FOUND …) that ends the call with an abort."""

    def intercept(self, method, request, context, method_name):
        if not method_name.startswith("/padel."):
            return method(request, context)
        name = method_name.lstrip("/")
        service, _, rpc = name.rpartition("/")
        caller = _PROPAGATOR.extract(dict(context.invocation_metadata()))
        with _tracer.start_as_current_span(name, context=caller, kind=SpanKind.SERVER, attributes={
                "rpc.system": "grpc", "rpc.service": service, "rpc.method": rpc},
                record_exception=False, set_status_on_exception=False) as span:
            try:
                return method(request, context)
            finally:
                code = context.code() or grpc.StatusCode.OK
                span.set_attribute("rpc.grpc.status_code", code.value[0])
                if code in _SERVER_FAULTS:
                    span.set_status(Status(StatusCode.ERROR, code.name))


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the work in hand (what an outbox row keeps), or None outside a trace."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get(TRACEPARENT)


def kept(traceparent: str | None) -> bool:
    """Whether work continuing `traceparent` may record spans: not when its sampled flag is off (a
    trace the edge chose not to keep, which services follow); a new trace (None) the sampler decides."""
    earlier = _PROPAGATOR.extract({TRACEPARENT: traceparent} if traceparent else {}, context=otel_context.Context())
    span = trace.get_current_span(earlier).get_span_context()
    return not span.is_valid or span.trace_flags.sampled


@contextmanager
def continuing(traceparent: str | None, name: str, kind: SpanKind, attributes: dict) -> Iterator[None]:
    """A span for work done later on behalf of a traced one (an event's handling, a queued message's
    sending), in the trace whose `traceparent` was kept with the work."""
    earlier = _PROPAGATOR.extract({TRACEPARENT: traceparent} if traceparent else {},
                                  context=otel_context.Context())
    with _tracer.start_as_current_span(name, context=earlier, kind=kind, attributes=attributes):
        yield


def handling_event(traceparent: str | None, *, group: str, stream: str, event_type: str,
                   event_id: str) -> ContextManager[None]:
    """A CONSUMER span for one event's handling, in the trace of the work that published it."""
    return continuing(traceparent, f"process {event_type}", SpanKind.CONSUMER,
                      {"messaging.system": "redis", "messaging.operation.type": "process",
                       "messaging.destination.name": stream, "messaging.consumer.group.name": group,
                       "messaging.message.id": event_id})


def record_failure(error: BaseException) -> None:
    """Marks the span in hand failed by `error`, for work that handles its own failure."""
    span = trace.get_current_span()
    span.record_exception(error)
    span.set_status(Status(StatusCode.ERROR, type(error).__name__))


def traced_channel(channel: grpc.Channel) -> grpc.Channel:
    """`channel` with a CLIENT span per call whose `traceparent` the called service continues."""
    from opentelemetry.instrumentation.grpc import client_interceptor, intercept_channel

    return intercept_channel(channel, client_interceptor())


def watch_database(engine: Engine) -> Engine:
    """A CLIENT span per SQL statement on `engine` run in a trace (the statement with its placeholders,
    never values), named and described as OpenTelemetry's SQLAlchemy instrumentation does ("INSERT
    <database>", db.system, db.name …) at a fraction of its cost, paid on every statement of every
    request and event: what the URL tells is worked out once per engine, not per statement, and a
    statement outside any trace (a relay's poll, a health ping) makes no span at all."""
    url = engine.url
    database = url.database or engine.dialect.name
    known = {"net.peer.name": url.host, "net.peer.port": url.port, "db.name": url.database, "db.user": url.username,
             "db.system": engine.dialect.name}
    known = {name: value for name, value in known.items() if value is not None}

    def began(_connection, _cursor, statement, _parameters, context, _many) -> None:
        if not trace.get_current_span().is_recording() or not is_instrumentation_enabled():
            return
        words = statement.split(None, 1)
        operation = f"{words[0]} {database}" if words else database
        context.padel_span = _tracer.start_span(operation, kind=SpanKind.CLIENT, attributes={
            **known, "db.statement": statement, "db.operation": operation})

    def ended(_connection, _cursor, _statement, _parameters, context, _many) -> None:
        span = getattr(context, "padel_span", None)
        if span is not None:
            span.end()

    def failed(exception_context) -> None:
        span = getattr(exception_context.execution_context, "padel_span", None)
        if span is not None:
            span.set_status(Status(StatusCode.ERROR, str(exception_context.original_exception)))
            span.end()

    event.listen(engine, "before_cursor_execute", began)
    event.listen(engine, "after_cursor_execute", ended)
    event.listen(engine, "handle_error", failed)
    return engine


def watch_redis(client: redis.Redis) -> redis.Redis:
    """A CLIENT span per Redis command or pipeline of `client` (command names only, arguments as `?`)."""
    RedisInstrumentor.instrument_client(client)
    return client


class _StartedOnPurpose(Sampler):
    """Keeps a new trace only for an RPC or an event, and of those `percent` (by trace id, as the
    edge keeps its share of requests); a child follows its parent (see ParentBased)."""

    def __init__(self, percent: int):
        self._share = TraceIdRatioBased(percent / 100)

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None,
                      trace_state=None) -> SamplingResult:
        if kind in (SpanKind.SERVER, SpanKind.CONSUMER):
            return self._share.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)
        return SamplingResult(Decision.DROP)

    def get_description(self) -> str:
        return f"StartedOnPurpose{{{self._share.get_description()}}}"


def span_line(span: ReadableSpan) -> str:
    """One span as a JSON line a newcomer reads: ids in the hex of Envoy's access log and the log
    lines, the service, times in UTC. (The SDK's own `to_json` costs several times as much; every
    property of a span is read once, each copies, and one encoder serves every line.)"""
    context, parent, status, events = span.context, span.parent, span.status, span.events
    fields = {
        "trace_id": f"{context.trace_id:032x}", "span_id": f"{context.span_id:016x}",
        "parent_id": f"{parent.span_id:016x}" if parent else None,
        "service": span.resource.attributes.get("service.name"), "name": span.name, "kind": span.kind.name,
        "start": dt.datetime.fromtimestamp(span.start_time / 1e9, dt.timezone.utc).isoformat(),
        "duration_ms": round((span.end_time - span.start_time) / 1e6, 3),
        "status": status.status_code.name, "attributes": dict(span.attributes),
    }
    if status.description:
        fields["status_description"] = status.description
    if events:
        fields["events"] = [{"name": event.name, **dict(event.attributes)} for event in events]
    return _SPAN_ENCODER.encode(fields) + "\n"


_SPAN_ENCODER = json.JSONEncoder(default=str)


class SpanFile(SpanExporter):
    """Spans appended to one service's file, one `span_line` each."""

    def __init__(self, path: pathlib.Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", encoding="utf-8")

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        # One write per batch: lines of another process appending to the same file stay whole.
        self._file.write("".join(span_line(span) for span in spans))
        self._file.flush()
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        self._file.close()


def span_file(settings: ServiceSettings, service: str) -> SpanFile | None:
    """`<data dir>/traces/<service>.jsonl`, or None when PADEL_TRACE_FILES is off."""
    return SpanFile(settings.data_dir / "traces" / f"{service}.jsonl") if settings.trace_files else None


def provider(service: str, version: str, sample_percent: int = 100) -> TracerProvider:
    """The SDK for one service, keeping what the caller's trace keeps and `sample_percent` of new
    traces of RPCs and events only (exporters are added to it)."""
    return TracerProvider(resource=Resource.create({"service.name": service, "service.version": version}),
                          sampler=ParentBased(root=_StartedOnPurpose(sample_percent)))


_configured = False


def configure(service: str, settings: ServiceSettings) -> None:
    """Installs the SDK for this process (once; later calls change nothing)."""
    global _configured
    if _configured:
        return
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter: SpanExporter = OTLPSpanExporter(endpoint=f"{settings.otlp_endpoint}/v1/traces")
    else:
        exporter = span_file(settings, service)
        if exporter is None:
            return  # nowhere to send spans: none are recorded (trace context still flows)
    sdk = provider(service, settings.version, settings.trace_sample_percent)
    sdk.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=EXPORT_DELAY_MILLIS))
    trace.set_tracer_provider(sdk)
    _configured = True
