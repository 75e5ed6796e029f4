"""Traces across the mesh, through the real edge (`platform`: SQLite, Redis stand-in): a booking made
over REST is one trace from Envoy's access log through booking_svc's span and its outbox event to
notify's handling of that event, in the JSON-lines files under data/traces/; with
PADEL_TRACE_SAMPLE_PERCENT=0 (`unsampled_platform`) no span of an edge request is kept, but its trace id
is still logged and kept with its events. A client's `traceparent` is never followed (the edge starts
every trace); a peer's, calling a service directly, is."""

import datetime as dt
import json
import sqlite3
import uuid

import grpc
import pytest
import requests
from google.protobuf.timestamp_pb2 import Timestamp
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc

from padel_testkit import eventually, launch_platform, stop_platform

TIMEOUT = 10
BOOK = "padel.booking.v1.BookingService/Book"


@pytest.fixture(scope="module")
def unsampled_platform(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unsampled")
    running = launch_platform(folder, PADEL_TRACE_SAMPLE_PERCENT="0")
    yield running
    stop_platform(running)


def json_lines(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


def access_log_entry(platform, request_id: str) -> dict | None:
    return next((line for line in json_lines(platform.data_dir / "logs" / "edge.log")
                 if line.get("request_id") == request_id), None)


def spans(platform, service: str, trace_id: str) -> list[dict]:
    """The spans of one trace that `service` filed."""
    return [span for span in json_lines(platform.data_dir / "traces" / f"{service}.jsonl")
            if span["trace_id"] == trace_id]


def a_free_slot(platform) -> tuple[str, str]:
    """(court id, start time) of a free 90-minute slot at the seeded demo venue in Karachi (by its name:
    other tests on the session's platform add Karachi venues of their own, which may come first)."""
    found = requests.get(f"{platform.url}/api/bookings/venues", timeout=TIMEOUT,
                         params={"city": "KARACHI", "query": "Clifton Padel Club"})
    assert found.status_code == 200, found.text
    venue_id = next(v["venue_id"] for v in found.json()["venues"] if v["name"] == "Clifton Padel Club")
    day = dt.date.today() + dt.timedelta(days=4)
    free = requests.get(f"{platform.url}/api/bookings/availability", timeout=TIMEOUT,
                        params={"venue_id": venue_id, "date": day.isoformat(), "duration_minutes": 90})
    assert free.status_code == 200, free.text
    court = next(c for c in free.json()["courts"] if c["slots"])
    return court["court"]["court_id"], court["slots"][-1]["start_time"]


def test_a_booking_is_one_trace_from_the_edge_to_notify(platform):
    court_id, start = a_free_slot(platform)
    # A registered player, so that notify knows an email address to send the confirmation to.
    registered = requests.post(f"{platform.url}/api/auth/register", timeout=TIMEOUT, json={
        "email": f"traced-{uuid.uuid4().hex[:8]}@example.pk", "password": "Padel-Court-2026!",
        "first_name": "Zainab", "last_name": "Traced"})
    assert registered.status_code == 200, registered.text
    player = registered.json()["account"]["user_id"]
    request_id = f"trace-{uuid.uuid4().hex}"
    made = requests.post(f"{platform.url}/api/bookings/book", timeout=TIMEOUT,
                         headers={**platform.headers(player), "x-request-id": request_id},
                         json={"court_id": court_id, "start_time": start, "duration_minutes": 90,
                               "idempotency_key": uuid.uuid4().hex})
    assert made.status_code == 200, made.text

    # The edge started the trace (the client sent no traceparent) and logged its id.
    entry = eventually(lambda: access_log_entry(platform, request_id))
    trace_id = entry["trace_id"]
    assert len(trace_id) == 32 and int(trace_id, 16) and entry["path"] == "/api/bookings/book"

    # booking_svc's span continues the edge's; its SQL statements are its children.
    booking = eventually(lambda: [s for s in spans(platform, "booking", trace_id) if s["name"] == BOOK])[0]
    assert booking["kind"] == "SERVER" and booking["attributes"]["rpc.grpc.status_code"] == 0
    edge = eventually(lambda: spans(platform, "envoy", trace_id))
    assert booking["parent_id"] in {span["span_id"] for span in edge}
    children = [s for s in spans(platform, "booking", trace_id) if s.get("parent_id") == booking["span_id"]]
    assert any(s["attributes"].get("db.system") == "sqlite" and s["name"].startswith("INSERT") for s in children)
    assert any(s["attributes"].get("db.system") == "redis" for s in children), children  # the revocation check

    # Each outbox event of the booking keeps the trace context of the booking's span …
    with sqlite3.connect(f"file:{platform.data_dir / 'booking.db'}?mode=ro", uri=True) as db:
        events = dict(db.execute("SELECT id, event_type FROM outbox WHERE traceparent = ?",
                                 (f"00-{trace_id}-{booking['span_id']}-01",)).fetchall())
    assert "padel.booking.v1.BookingCreated" in events.values(), events

    # … and notify handles each in the same trace, as a child of the booking's span, its database
    # work (queueing the confirmation) inside.
    for event_id, event_type in events.items():
        handled = eventually(lambda: [s for s in spans(platform, "notify", trace_id)
                                      if s["attributes"].get("messaging.message.id") == event_id])[0]
        assert handled["name"] == f"process {event_type}" and handled["kind"] == "CONSUMER"
        assert handled["parent_id"] == booking["span_id"]
        assert handled["attributes"]["messaging.consumer.group.name"] == "notify"
        assert handled["status"] == "UNSET" and handled["service"] == "notify"
        assert eventually(lambda: [s for s in spans(platform, "notify", trace_id)
                                   if s.get("parent_id") == handled["span_id"]
                                   and s["name"].startswith("INSERT")])

    # The delivery job emails the queued confirmation later, and that sending joins the trace too: a
    # span of its own under the event's handling.
    handlers = {s["span_id"] for s in spans(platform, "notify", trace_id) if s["kind"] == "CONSUMER"}
    sent = eventually(lambda: [s for s in spans(platform, "notify", trace_id)
                               if s["name"] == "send email" and s.get("parent_id") in handlers])[0]
    assert sent["kind"] == "CLIENT" and sent["attributes"]["padel.delivery.channel"] == "email"

    # booking_svc's log line for the call carries the same trace id.
    rpc_lines = [line for line in json_lines(platform.data_dir / "logs" / "booking_svc.log")
                 if line.get("message") == "rpc" and line.get("trace_id") == trace_id]
    assert [line["method"] for line in rpc_lines] == [f"/{BOOK}"]
    assert rpc_lines[0]["request_id"] == request_id


def test_a_client_traceparent_is_not_followed_the_edge_starts_its_own_trace(platform):
    """A client chooses neither its trace id nor whether it is traced: the edge drops its
    `traceparent` and `tracestate` and starts a trace of its own, which the services continue."""
    client_trace, client_span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    request_id = f"trace-{uuid.uuid4().hex}"
    answer = requests.get(f"{platform.url}/api/bookings/venues", params={"city": "KARACHI"}, timeout=TIMEOUT,
                          headers={"traceparent": f"00-{client_trace}-{client_span}-01", "tracestate": "padel=1",
                                   "x-request-id": request_id})
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-request-id"] == request_id  # the client's request id still goes through
    trace_id = eventually(lambda: access_log_entry(platform, request_id))["trace_id"]
    assert len(trace_id) == 32 and int(trace_id, 16) and trace_id != client_trace
    edge = eventually(lambda: spans(platform, "envoy", trace_id))
    assert [span["parent_id"] for span in edge] == [None]
    served = eventually(lambda: spans(platform, "booking", trace_id))
    assert [s["name"] for s in served if s["kind"] == "SERVER"] == ["padel.booking.v1.BookingService/ListVenuesPage"]
    assert {s["parent_id"] for s in served if s["kind"] == "SERVER"} == {edge[0]["span_id"]}
    # Filed with the edge's trace, the client's would have been by now.
    assert spans(platform, "envoy", client_trace) == spans(platform, "booking", client_trace) == []


def test_nobody_outside_can_write_the_edge_spans(platform):
    """The directory files what Envoy's tracer sends it; the same service is not reachable through the edge."""
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
    from opentelemetry.proto.trace.v1 import trace_pb2

    forged = uuid.uuid4().bytes
    request = trace_service_pb2.ExportTraceServiceRequest(resource_spans=[trace_pb2.ResourceSpans(scope_spans=[
        trace_pb2.ScopeSpans(spans=[trace_pb2.Span(trace_id=forged, span_id=forged[:8], name="forged")])])])
    with grpc.insecure_channel(platform.edge) as channel:
        with pytest.raises(grpc.RpcError) as refused:
            trace_service_pb2_grpc.TraceServiceStub(channel).Export(
                request, metadata=[("authorization", platform.headers()["authorization"])], timeout=TIMEOUT)
    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert spans(platform, "envoy", forged.hex()) == []


def book(platform, request_id: str, **headers: str) -> requests.Response:
    court_id, start = a_free_slot(platform)
    return requests.post(f"{platform.url}/api/bookings/book", timeout=TIMEOUT,
                         headers={**platform.headers(), "x-request-id": request_id, **headers},
                         json={"court_id": court_id, "start_time": start, "duration_minutes": 90,
                               "idempotency_key": uuid.uuid4().hex})


def test_with_no_trace_sampled_a_booking_keeps_no_span_but_its_trace_id_is_logged(unsampled_platform):
    platform = unsampled_platform
    request_id = f"unsampled-{uuid.uuid4().hex}"
    made = book(platform, request_id)
    assert made.status_code == 200, made.text

    # Envoy's access log and booking_svc's log line name the request's trace …
    trace_id = eventually(lambda: access_log_entry(platform, request_id))["trace_id"]
    assert len(trace_id) == 32 and int(trace_id, 16)
    rpc_lines = eventually(lambda: [line for line in json_lines(platform.data_dir / "logs" / "booking_svc.log")
                                    if line.get("message") == "rpc" and line.get("request_id") == request_id])
    assert [line["trace_id"] for line in rpc_lines] == [trace_id]
    # … its events keep it, flagged not sampled, so the consumers keep no span of it either.
    with sqlite3.connect(f"file:{platform.data_dir / 'booking.db'}?mode=ro", uri=True) as db:
        kept = [row[0] for row in db.execute("SELECT traceparent FROM outbox WHERE traceparent LIKE ?",
                                             (f"00-{trace_id}-%",))]
    assert kept and all(traceparent.endswith("-00") for traceparent in kept), kept

    # A client's sampled traceparent is not followed: the edge starts a trace of its own, unkept too.
    client_trace, second_request = uuid.uuid4().hex, f"sampled-{uuid.uuid4().hex}"
    made = book(platform, second_request, traceparent=f"00-{client_trace}-{uuid.uuid4().hex[:16]}-01")
    assert made.status_code == 200, made.text
    second_trace = eventually(lambda: access_log_entry(platform, second_request))["trace_id"]
    assert second_trace != client_trace

    # A peer's sampled trace is still followed (services call each other directly, not through the
    # edge): booking_svc called so keeps its span, and notify handles the booking's events in it …
    peer_trace = uuid.uuid4().hex
    court_id, start = a_free_slot(platform)
    when = Timestamp()
    when.FromJsonString(start)
    with grpc.insecure_channel(platform.address("booking")) as channel:
        booking_service_pb2_grpc.BookingServiceStub(channel).Book(
            api.BookRequest(court_id=court_id, start_time=when, duration_minutes=90, idempotency_key=uuid.uuid4().hex),
            metadata=[("authorization", platform.headers()["authorization"]),
                      ("traceparent", f"00-{peer_trace}-{uuid.uuid4().hex[:16]}-01")], timeout=TIMEOUT)
    eventually(lambda: spans(platform, "booking", peer_trace), "booking")
    eventually(lambda: [s for s in spans(platform, "notify", peer_trace) if s["kind"] == "CONSUMER"], "notify")
    # … and Envoy has flushed its spans twice since (every second): it sent none at all.
    flushed = envoy_stat(platform, "timer_flushed")
    eventually(lambda: envoy_stat(platform, "timer_flushed") >= flushed + 2, "Envoy flushes its spans")
    assert envoy_stat(platform, "spans_sent") == 0
    # So by now each service would have filed the edge requests' spans, had it kept any.
    for service in ("envoy", "booking", "notify", "payment", "match"):
        for unkept in (trace_id, second_trace, client_trace):
            assert spans(platform, service, unkept) == [], service


def envoy_stat(platform, name: str) -> float:
    """A counter of Envoy's OpenTelemetry tracer, from the edge's ops listener."""
    port = platform.settings.int("PADEL_EDGE_OPS_PORT", 9902, 0, 65535)
    text = requests.get(f"http://127.0.0.1:{port}/stats/prometheus", timeout=TIMEOUT).text
    # The line is `envoy_tracing_opentelemetry_<name>{} <value>`.
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(f"envoy_tracing_opentelemetry_{name}{{"))
