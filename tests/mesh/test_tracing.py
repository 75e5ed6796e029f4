"""mesh.tracing on a real server on port 0: an RPC continues its caller's W3C trace, its SQL and
Redis are its children, the event it writes keeps its trace context through the outbox, the relay
and Redis, and the consumer handles it in the same trace; log lines carry the trace id; work outside
any RPC or event (a relay poll, a blocking read) records nothing.

The spans are those mesh.tracing's own SDK provider keeps, read from an in-memory exporter.
"""

import http.server
import io
import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import uuid

import grpc
import pytest
from google.protobuf.wrappers_pb2 import StringValue
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from padel.booking.v1 import booking_service_pb2 as pb
from padel.booking.v1 import booking_service_pb2_grpc
from sqlalchemy import func, select, text

from mesh import errors, logs, server, tracing
from mesh.consumer import EventConsumer
from mesh.db import Database
from mesh.outbox import EventBase, OutboxEvent, publish
from mesh.redis import make_redis
from mesh.relay import OutboxRelay
from mesh.settings import ServiceSettings
from padel_testkit import free_port

STREAM = "padel.test.events"
LIST_VENUES = "padel.booking.v1.BookingService/ListVenues"


@pytest.fixture(scope="module")
def finished():
    """The spans mesh.tracing's SDK keeps from here on (the provider is the process's, set once)."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(tracing.provider("mesh-test", "test"))
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    trace.get_tracer_provider().add_span_processor(processor)
    yield exporter
    processor.shutdown()


class Venues(booking_service_pb2_grpc.BookingServiceServicer):
    """ListVenues (public) checks a version, records an event in the outbox and reads Redis, as a
    use case would, or raises what the test puts in `fail_with`."""

    def __init__(self, database: Database, client):
        self.database, self.redis = database, client
        self.fail_with: Exception | None = None

    def ListVenues(self, request, context):
        if self.fail_with is not None:
            raise self.fail_with
        self.database.first_row(select(func.count()).select_from(OutboxEvent))  # as a kept answer's version check
        with self.database.session() as session:
            publish(session, STREAM, StringValue(value="venue listed"))
        self.redis.get("padel:test:venues")
        logging.getLogger("padel.test").info("venues listed")
        return pb.ListVenuesResponse()


@pytest.fixture
def venues(tmp_path, finished):
    database = Database(f"sqlite:///{tmp_path / 'venues.db'}")
    EventBase.metadata.create_all(database.engine)
    tracing.watch_database(database.engine)
    client = tracing.watch_redis(make_redis(""))
    client.flushdb()
    settings = ServiceSettings.from_env("booking", {"PADEL_DATA_DIR": str(tmp_path), "PADEL_BOOKING_PORT": "0"})
    servicer = Venues(database, client)
    host, port = server.build("booking", settings, [(booking_service_pb2_grpc.add_BookingServiceServicer_to_server,
                                                     servicer)],
                              [settings.grpc_service], verifier=None, database=database)
    host.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    finished.clear()
    yield booking_service_pb2_grpc.BookingServiceStub(channel), database, client, channel, servicer
    channel.close()
    host.stop(0)


def traceparent() -> tuple[int, int, str]:
    trace_id, span_id = int(uuid.uuid4().hex, 16), int(uuid.uuid4().hex[:16], 16)
    return trace_id, span_id, f"00-{trace_id:032x}-{span_id:016x}-01"


def only(spans, **wanted):
    [span] = [s for s in spans if all(getattr(s, key) == value for key, value in wanted.items())]
    return span


def test_an_rpc_and_the_event_it_writes_are_one_trace_with_its_caller(venues, finished):
    stub, database, client, _, _ = venues
    trace_id, caller_span, header = traceparent()
    log_lines = io.StringIO()
    logs.configure("booking", stream=log_lines)
    try:
        stub.ListVenues(pb.ListVenuesRequest(), metadata=[("traceparent", header)])
    finally:
        logs.stop()  # the writer thread has written every queued line
        logging.getLogger().handlers.clear()

    served = only(finished.get_finished_spans(), name=LIST_VENUES)
    assert served.kind == SpanKind.SERVER and served.context.trace_id == trace_id
    assert served.parent.span_id == caller_span and served.attributes["rpc.grpc.status_code"] == 0
    children = [s for s in finished.get_finished_spans() if s.parent and s.parent.span_id == served.context.span_id]
    assert any(s.name.startswith("INSERT") and s.attributes["db.system"] == "sqlite" for s in children)
    assert not any(s.name.startswith("SELECT") for s in children)  # a version check costs no span of its own
    assert any(s.name == "GET" and s.attributes["db.system"] == "redis" for s in children)
    # Every line the call logged carries its trace id.
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    assert {line["message"] for line in lines} == {"venues listed", "rpc"}
    assert {line["trace_id"] for line in lines} == {f"{trace_id:032x}"}

    with database.session(read_only=True) as session:
        [event] = session.scalars(select(OutboxEvent)).all()
    assert event.traceparent == f"00-{trace_id:032x}-{served.context.span_id:016x}-01"

    finished.clear()
    OutboxRelay(database, client).publish_pending()
    handled = []
    consumer = EventConsumer(database, client, group="venue-watchers", streams=[STREAM], block_ms=10)
    consumer.on(StringValue, lambda session, event_id, message: handled.append(
        (event_id, trace.get_current_span().get_span_context().trace_id, session.scalar(select(OutboxEvent.id)))))
    consumer.step()
    assert handled == [(event.id, trace_id, event.id)]

    # The relay's and the consumer's own Redis and SQL work (polls, reads, acks) starts no trace.
    assert {s.context.trace_id for s in finished.get_finished_spans()} == {trace_id}
    process = only(finished.get_finished_spans(), kind=SpanKind.CONSUMER)
    assert process.name == "process google.protobuf.StringValue" and process.parent.span_id == served.context.span_id
    assert process.attributes["messaging.message.id"] == event.id
    assert process.attributes["messaging.destination.name"] == STREAM
    assert any(s.name.startswith("SELECT") and s.parent.span_id == process.context.span_id
               for s in finished.get_finished_spans())


def test_events_read_together_each_write_their_rows_in_their_own_span(venues, finished):
    stub, database, client, _, _ = venues
    for _ in range(2):  # two calls, two traces, two events in the stream
        stub.ListVenues(pb.ListVenuesRequest(), metadata=[("traceparent", traceparent()[2])])
    OutboxRelay(database, client).publish_pending()
    finished.clear()
    # (a long hold: on a loaded machine SQLite's 50 ms could end the transaction after the first event)
    consumer = EventConsumer(database, client, group="venue-watchers", streams=[STREAM], block_ms=10,
                             sqlite_hold_seconds=60.0)
    consumer.on(StringValue, lambda session, event_id, message: publish(session, "padel.test.replies", message))
    consumer.step()  # one read, one transaction for both

    spans = finished.get_finished_spans()
    processes = [span for span in spans if span.kind == SpanKind.CONSUMER]
    assert len({process.context.trace_id for process in processes}) == 2
    for process in processes:  # the reply each handler wrote is a statement of that event's span, not the next one's
        assert [span.name.split()[0] for span in spans if span.parent and span.parent.span_id == process.context.span_id
                and span.context.trace_id == process.context.trace_id] == ["INSERT"]


def test_a_statement_is_a_span_of_the_work_in_hand_and_a_failing_one_is_marked(finished, tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'statements.db'}")
    tracing.watch_database(database.engine)
    with database.session() as session:  # outside any trace: no span
        session.execute(text("SELECT 1"))
    finished.clear()
    with trace.get_tracer("test").start_as_current_span("rpc", kind=SpanKind.SERVER) as served:
        with pytest.raises(errors.Unavailable):  # no such table: SQLite's OperationalError
            with database.session() as session:
                session.execute(text("SELECT 2"))
                session.execute(text("SELECT court FROM nowhere"))
    [done, failed] = [s for s in finished.get_finished_spans() if s.name.startswith("SELECT")]
    assert done.parent.span_id == failed.parent.span_id == served.get_span_context().span_id
    assert done.attributes["db.system"] == "sqlite" and done.status.status_code == StatusCode.UNSET
    assert failed.attributes["db.statement"] == "SELECT court FROM nowhere"
    assert failed.status.status_code == StatusCode.ERROR and "nowhere" in failed.status.description
    assert done.name == failed.name == f"SELECT {tmp_path / 'statements.db'}"
    database.dispose()


def test_a_failing_handler_marks_its_span_and_logs_in_its_trace(venues, finished, caplog):
    stub, database, client, _, _ = venues
    trace_id, _, header = traceparent()
    stub.ListVenues(pb.ListVenuesRequest(), metadata=[("traceparent", header)])
    OutboxRelay(database, client).publish_pending()
    consumer = EventConsumer(database, client, group="venue-watchers", streams=[STREAM], block_ms=10)

    def refuse(session, event_id, message):
        raise RuntimeError("the court is flooded")

    consumer.on(StringValue, refuse)
    seen = []
    caplog.handler.addFilter(lambda record: seen.append(trace.get_current_span().get_span_context().trace_id) or True)
    with caplog.at_level(logging.ERROR, logger="mesh.consumer"):
        consumer.step()
    process = only(finished.get_finished_spans(), kind=SpanKind.CONSUMER)
    assert process.context.trace_id == trace_id and process.status.status_code == StatusCode.ERROR
    assert [e.attributes["exception.message"] for e in process.events] == ["the court is flooded"]
    assert "will be retried" in caplog.text and seen == [trace_id]


def test_without_a_caller_trace_an_rpc_starts_one_and_an_unsampled_caller_is_followed(venues, finished):
    stub, _, _, _, _ = venues
    stub.ListVenues(pb.ListVenuesRequest())
    served = only(finished.get_finished_spans(), name=LIST_VENUES)
    assert served.parent is None and served.context.trace_id != 0

    finished.clear()
    _, _, header = traceparent()
    stub.ListVenues(pb.ListVenuesRequest(), metadata=[("traceparent", header[:-2] + "00")])  # caller keeps none
    assert finished.get_finished_spans() == ()


@pytest.mark.parametrize("kind", [SpanKind.SERVER, SpanKind.CONSUMER])
def test_a_share_of_new_traces_is_kept_and_a_callers_flag_is_followed(kind):
    """PADEL_TRACE_SAMPLE_PERCENT: an RPC or event that starts a trace keeps it at that rate; one in a
    caller's trace does what the caller's flag says; an unkept span still has its trace id for the logs."""
    def started(percent: int, parent: str | None = None):
        caller = TraceContextTextMapPropagator().extract({"traceparent": parent} if parent else {})
        return tracing.provider("notify", "test", percent).get_tracer("test").start_span(
            "work", context=caller, kind=kind)

    _, _, sampled = traceparent()
    assert not started(0).is_recording() and started(0).get_span_context().trace_id != 0
    assert started(0, sampled).is_recording() and not started(100, sampled[:-2] + "00").is_recording()
    assert started(100).is_recording()
    kept = sum(started(25).is_recording() for _ in range(2000))
    assert 400 < kept < 600, kept  # 500 expected; ±5 standard deviations


def test_health_checks_are_not_traced(venues, finished):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    _, _, _, channel, _ = venues
    health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert finished.get_finished_spans() == ()


def test_with_an_otlp_endpoint_spans_are_exported_there(tmp_path):
    """A service process with PADEL_OTLP_ENDPOINT sends its spans to that collector over OTLP/HTTP
    (here a stand-in answering POST /v1/traces) and writes no trace file."""
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

    received = []

    class Collector(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["content-length"]))
            received.append((self.path, self.headers["content-type"],
                             trace_service_pb2.ExportTraceServiceRequest.FromString(body)))
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.end_headers()
            self.wfile.write(trace_service_pb2.ExportTraceServiceResponse().SerializeToString())

        def log_message(self, *args):
            pass

    collector = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    _, _, header = traceparent()
    script = textwrap.dedent(f"""
        from mesh import tracing
        from mesh.settings import ServiceSettings
        tracing.configure("notify", ServiceSettings.from_env("notify"))
        with tracing.handling_event({header!r}, group="notify", stream="padel.booking.events",
                                    event_type="padel.booking.v1.BookingCreated", event_id="e-1"):
            pass
        """)  # the SDK flushes its batch when the process exits
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "PADEL_DATA_DIR": str(tmp_path),
           "PADEL_OTLP_ENDPOINT": f"http://127.0.0.1:{collector.server_address[1]}"}
    try:
        subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    finally:
        collector.shutdown()
    [(path, content_type, request)] = received
    assert path == "/v1/traces" and content_type == "application/x-protobuf"
    [resource_spans] = request.resource_spans
    resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
    [span] = [s for scope in resource_spans.scope_spans for s in scope.spans]
    assert resource["service.name"] == "notify" and span.name == "process padel.booking.v1.BookingCreated"
    assert span.trace_id.hex() == header.split("-")[1]
    assert not (tmp_path / "traces").exists()


@pytest.mark.parametrize("error, code, failed", [
    (errors.InvalidArgument("city: unknown", fields={"city": "unknown"}), grpc.StatusCode.INVALID_ARGUMENT, False),
    (errors.Unavailable("database unavailable; try again shortly"), grpc.StatusCode.UNAVAILABLE, True),
    (RuntimeError("a bug"), grpc.StatusCode.INTERNAL, True)])
def test_an_rpc_span_is_failed_only_by_a_server_fault(venues, finished, error, code, failed):
    stub, _, _, _, servicer = venues
    servicer.fail_with = error
    with pytest.raises(grpc.RpcError) as refused:
        stub.ListVenues(pb.ListVenuesRequest())
    assert refused.value.code() == code
    served = only(finished.get_finished_spans(), name=LIST_VENUES)
    assert served.attributes["rpc.grpc.status_code"] == code.value[0]
    assert served.status.status_code == (StatusCode.ERROR if failed else StatusCode.UNSET)
