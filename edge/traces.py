"""The edge's own spans without a collector: Envoy's OpenTelemetry tracer exports them over OTLP/gRPC
to the edge directory (Envoy needs somewhere to send them), which appends them to
`<data dir>/traces/envoy.jsonl` in the services' format, so a request's path reads from the edge on.
With PADEL_OTLP_ENDPOINT Envoy exports to that collector instead (edge/render.py `tracer`).
"""

from google.protobuf.message import Message
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags

from mesh import tracing
from mesh.settings import ServiceSettings


def _value(any_value: Message):
    """An OTLP AnyValue as a plain value (strings, numbers and booleans are all Envoy sends)."""
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind in ("string_value", "bool_value", "int_value", "double_value") else str(any_value)


def _attributes(pairs) -> dict:
    return {pair.key: _value(pair.value) for pair in pairs}


def _context(trace_id: bytes, span_id: bytes) -> SpanContext | None:
    if not span_id:
        return None
    return SpanContext(int.from_bytes(trace_id, "big"), int.from_bytes(span_id, "big"), is_remote=False,
                       trace_flags=TraceFlags(TraceFlags.SAMPLED))


def readable_spans(request: trace_service_pb2.ExportTraceServiceRequest) -> list[ReadableSpan]:
    """The spans of an OTLP export as the SDK's spans (OTLP numbers kinds from 1, the SDK from 0)."""
    spans = []
    for resource_spans in request.resource_spans:
        resource = Resource(_attributes(resource_spans.resource.attributes))
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append(ReadableSpan(
                    span.name, context=_context(span.trace_id, span.span_id),
                    parent=_context(span.trace_id, span.parent_span_id), resource=resource,
                    attributes=_attributes(span.attributes), kind=SpanKind(max(span.kind - 1, 0)),
                    status=Status(StatusCode(span.status.code), span.status.message or None),
                    start_time=span.start_time_unix_nano, end_time=span.end_time_unix_nano))
    return spans


class EnvoySpans(trace_service_pb2_grpc.TraceServiceServicer):
    """OTLP's TraceService: files what Envoy exports (or drops it when trace files are off)."""

    def __init__(self, exporter: SpanExporter | None):
        self.exporter = exporter

    def Export(self, request, context):
        if self.exporter is not None:
            self.exporter.export(readable_spans(request))
        return trace_service_pb2.ExportTraceServiceResponse()


def servicer(settings: ServiceSettings) -> tuple:
    """(add function, servicer) as mesh.server.build takes them."""
    return trace_service_pb2_grpc.add_TraceServiceServicer_to_server, EnvoySpans(tracing.span_file(settings, "envoy"))
