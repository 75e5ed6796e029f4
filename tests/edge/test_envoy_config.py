"""The edge's Envoy config: both environments pass `envoy --mode validate`, and a real Envoy in
front of a real gRPC server transcodes REST, passes native gRPC and answers every error in JSON."""

import contextlib
import http.client
import json
import pathlib
import subprocess
import sys
import uuid
from concurrent import futures

import grpc
import jwt
import pytest
import requests
import yaml
from google.api import annotations_pb2
from google.protobuf import descriptor_pb2, json_format
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from edge.__main__ import envoy_binary, envoy_command, envoy_environment
from edge.render import (
    DEFAULT_DESCRIPTOR,
    K8S_DESCRIPTOR,
    RenderError,
    cluster_for_package,
    internal_paths,
    jwt_rules,
    rpc_routes,
    read_services,
    render,
    template_regex,
)
from padel.access.v1 import access_pb2
from padel.auth.v1 import auth_service_pb2, auth_service_pb2_grpc
from padel.status.v1 import status_service_pb2, status_service_pb2_grpc
from padel_testkit import eventually, free_port

STATUS_FILE = "padel/status/v1/status_service.proto"
PROBE_SERVICE = "padel.probe.v1.EdgeTestProbeService"


def validate(config: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [envoy_binary(), "--mode", "validate", "-c", str(config), "--log-level", "warn"],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("environ", [{}, {"PADEL_OTLP_ENDPOINT": "http://collector.example:4318"},
                                     {"PADEL_OTLP_ENDPOINT": "https://otel.example.com/"}])
def test_local_config_validates(tmp_path, environ):
    config = tmp_path / "envoy.yaml"
    config.write_text(render("local", DEFAULT_DESCRIPTOR, environ=environ))
    result = validate(config)
    assert result.returncode == 0, result.stderr + result.stdout


def test_each_platform_runs_its_envoy_on_a_config_in_its_own_data_folder(tmp_path, monkeypatch):
    """Two platforms started at once from one folder (two `padel run`s, or two test workers) each
    give Envoy their own config: rendered into the platform's PADEL_DATA_DIR, not a shared ./data."""
    from edge import __main__ as edge_main

    monkeypatch.chdir(tmp_path)
    started = {}
    monkeypatch.setattr(edge_main.os, "execve", lambda path, argv, env: started.setdefault(env["PADEL_DATA_DIR"], argv))
    for name, port in (("first", "23001"), ("second", "23002")):
        monkeypatch.setenv("PADEL_DATA_DIR", str(tmp_path / name))
        monkeypatch.setenv("PADEL_EDGE_PORT", port)
        edge_main.main([])
    for name, port in (("first", "23001"), ("second", "23002")):
        config = pathlib.Path(started[str(tmp_path / name)][2])
        assert config == tmp_path / name / "edge" / "envoy.yaml"
        assert f"port_value: {port}" in config.read_text()


def test_the_edge_exports_its_spans_to_the_collector_or_else_to_the_directory():
    def tracer(environ):
        config = yaml.safe_load(render("local", DEFAULT_DESCRIPTOR, environ=environ))
        manager = config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
        clusters = {c["name"]: c for c in config["static_resources"]["clusters"]}
        return manager["tracing"]["provider"]["typed_config"], clusters

    config, clusters = tracer({})
    assert config["grpc_service"]["envoy_grpc"]["cluster_name"] == "edge_directory" and "otlp_collector" not in clusters
    config, clusters = tracer({"PADEL_OTLP_ENDPOINT": "http://collector.example:4318/"})
    assert config["http_service"]["http_uri"]["uri"] == "http://collector.example:4318/v1/traces"
    address = clusters["otlp_collector"]["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]
    assert address["socket_address"] == {"address": "collector.example", "port_value": 4318}
    for bad in ("collector:4318", "ftp://collector", "http://collector:port"):
        with pytest.raises(SystemExit, match="PADEL_OTLP_ENDPOINT"):
            render("local", DEFAULT_DESCRIPTOR, environ={"PADEL_OTLP_ENDPOINT": bad})


def test_the_edge_keeps_the_sample_percent_of_requests_and_drops_a_clients_trace_context():
    def manager(environ):
        config = yaml.safe_load(render("local", DEFAULT_DESCRIPTOR, environ=environ))
        return config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]

    for environ, percent in (({}, 100), ({"PADEL_TRACE_SAMPLE_PERCENT": "10"}, 10)):
        config = manager(environ)
        sampler = config["tracing"]["provider"]["typed_config"]["sampler"]
        assert sampler["name"] == "envoy.tracers.opentelemetry.samplers.trace_id_ratio_based"
        assert sampler["typed_config"]["sampling_percentage"] == {"numerator": percent, "denominator": "HUNDRED"}
        # Before tracing decides (test_traces_edge shows the effect through the running edge).
        [early] = config["early_header_mutation_extensions"]
        assert early["typed_config"]["mutations"] == [{"remove": "traceparent"}, {"remove": "tracestate"}]
    for bad in ("101", "-1", "ten"):
        with pytest.raises(SystemExit, match="PADEL_TRACE_SAMPLE_PERCENT"):
            render("local", DEFAULT_DESCRIPTOR, environ={"PADEL_TRACE_SAMPLE_PERCENT": bad})


def test_k8s_config_validates(tmp_path):
    text = render("k8s", DEFAULT_DESCRIPTOR, environ={})
    assert '"address": "auth", "port_value": 3001' in text
    assert 'address: "0.0.0.0"' in text
    # The transcoder opens the descriptor while validating; /etc/padel exists only in the pod.
    assert K8S_DESCRIPTOR in text
    config = tmp_path / "envoy.yaml"
    config.write_text(text.replace(K8S_DESCRIPTOR, str(DEFAULT_DESCRIPTOR)))
    result = validate(config)
    assert result.returncode == 0, result.stderr + result.stdout


def test_every_padel_service_is_transcoded_and_routed():
    config = yaml.safe_load(render("local", DEFAULT_DESCRIPTOR, environ={}))
    manager = config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
    routes = {
        route["match"].get("prefix", route["match"].get("path")): route.get("route", {}).get("cluster")
        for route in manager["route_config"]["virtual_hosts"][0]["routes"]
    }
    filters = [f["name"].rsplit(".", 1)[-1] for f in manager["http_filters"]]
    assert filters == ["cors", "jwt_authn", "local_ratelimit", "lua", "buffer", "grpc_json_transcoder", "router"]
    transcoded = manager["http_filters"][filters.index("grpc_json_transcoder")]["typed_config"]["services"]
    clusters = {cluster["name"] for cluster in config["static_resources"]["clusters"]}
    for package, names in read_services(DEFAULT_DESCRIPTOR).items():
        assert routes[f"/{package}."] == cluster_for_package(package) in clusters
        assert set(names) <= set(transcoded)
    assert list(routes)[-1] == "/" and routes["/grpc.health.v1.Health/"] == "edge_directory"
    assert routes["/grpc.reflection."] == "edge_directory"
    # Only the catch-all that REST paths match before transcoding holds bodies whole.
    buffered = [r["match"]["prefix"] for r in manager["route_config"]["virtual_hosts"][0]["routes"]
                if "envoy.filters.http.buffer" not in r.get("typed_per_filter_config", {})]
    assert buffered == ["/"]
    # An internal RPC's gRPC path goes to the directory (UNIMPLEMENTED there), ahead of its package.
    hold = "/padel.booking.v1.BookingService/HoldCourtForMatch"
    assert list(routes)[0] == hold and routes[hold] == "edge_directory"


def test_internal_rpcs_are_left_out_of_the_served_routes_and_cannot_be_bound_to_rest(tmp_path):
    hold, check = "/padel.booking.v1.BookingService/HoldCourtForMatch", "/padel.match.v1.MatchService/CheckCourtHold"
    assert internal_paths(DEFAULT_DESCRIPTOR) == [hold, check]
    assert not any(name in path or "match-holds" in path for path, _, _ in rpc_routes(DEFAULT_DESCRIPTOR)
                   for name in ("HoldCourtForMatch", "CheckCourtHold"))
    files = descriptor_pb2.FileDescriptorSet.FromString(DEFAULT_DESCRIPTOR.read_bytes())
    booking = next(file for file in files.file if file.package == "padel.booking.v1" and file.service)
    method = next(m for m in booking.service[0].method if m.name == "HoldCourtForMatch")
    method.options.Extensions[annotations_pb2.http].post = "/api/bookings/match-holds"
    descriptor = tmp_path / "padel.binpb"
    descriptor.write_bytes(files.SerializeToString())
    with pytest.raises(RenderError, match="HoldCourtForMatch: an internal RPC cannot be bound to REST"):
        render("local", descriptor, environ={})


def test_cors_origins_and_bad_values():
    config = yaml.safe_load(
        render("local", DEFAULT_DESCRIPTOR, environ={"PADEL_EDGE_CORS_ORIGINS": "https://a.example, https://b.example"})
    )
    manager = config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
    cors = manager["route_config"]["virtual_hosts"][0]["typed_per_filter_config"]["envoy.filters.http.cors"]
    assert cors["allow_origin_string_match"] == [{"exact": "https://a.example"}, {"exact": "https://b.example"}]
    with pytest.raises(RenderError, match="PADEL_EDGE_DIRECTORY_ADDR"):
        render("local", DEFAULT_DESCRIPTOR, environ={"PADEL_EDGE_DIRECTORY_ADDR": "nowhere"})
    with pytest.raises(SystemExit, match="PADEL_EDGE_RATE_LIMIT_RPS"):
        render("local", DEFAULT_DESCRIPTOR, environ={"PADEL_EDGE_RATE_LIMIT_RPS": "lots"})


def cluster_addresses(text: str) -> dict[str, str]:
    config = yaml.safe_load(text)
    return {cluster["name"]: "{address}:{port_value}".format(
        **cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]["socket_address"])
        for cluster in config["static_resources"]["clusters"]}


def test_every_upstream_follows_the_port_settings():
    """A platform on another port block: the edge reaches its own directory and services, and
    fetches the JWKS through its own listener, with only the PADEL_*_PORT settings given."""
    environ = {"PADEL_EDGE_PORT": "4000", "PADEL_EDGE_ADMIN_PORT": "4901", "PADEL_EDGE_DIRECTORY_PORT": "4010",
               "PADEL_AUTH_PORT": "4001", "PADEL_USER_PORT": "4002", "PADEL_BOOKING_PORT": "4003",
               "PADEL_NOTIFY_PORT": "4004", "PADEL_PAYMENT_PORT": "4005", "PADEL_MATCH_PORT": "4006"}
    local = render("local", DEFAULT_DESCRIPTOR, environ=environ)
    assert cluster_addresses(local) == {
        "edge_directory": "127.0.0.1:4010", "auth": "127.0.0.1:4001", "user": "127.0.0.1:4002",
        "booking": "127.0.0.1:4003", "notify": "127.0.0.1:4004", "payment": "127.0.0.1:4005",
        "match": "127.0.0.1:4006", "envoy_admin": "127.0.0.1:4901",
        "edge_self": "127.0.0.1:4000"}
    manager = yaml.safe_load(local)["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
    jwt_authn = manager["typed_config"]["http_filters"][1]["typed_config"]
    assert jwt_authn["providers"]["padel"]["remote_jwks"]["http_uri"]["uri"] == "http://127.0.0.1:4000/api/auth/jwks"
    k8s = cluster_addresses(render("k8s", DEFAULT_DESCRIPTOR, environ=environ))
    assert k8s["edge_directory"] == "127.0.0.1:4010" and k8s["booking"] == "booking:4003"
    # A server bound to one address is reached there, not on 127.0.0.1.
    bound = cluster_addresses(render("local", DEFAULT_DESCRIPTOR, environ={**environ, "PADEL_BIND_HOST": "127.0.0.5"}))
    assert bound["edge_directory"] == "127.0.0.5:4010" and bound["auth"] == "127.0.0.5:4001"
    assert bound["edge_self"] == "127.0.0.5:4000"


def test_links_in_emails_follow_the_edge_port():
    from notify_svc.settings import NotifySettings

    assert NotifySettings.from_env(environ={"PADEL_EDGE_PORT": "4000"}).app_base_url == "http://127.0.0.1:4000"
    assert NotifySettings.from_env(environ={}).app_base_url == "http://127.0.0.1:3000"
    chosen = {"PADEL_EDGE_PORT": "4000", "PADEL_NOTIFY_APP_BASE_URL": "https://padel.example/"}
    assert NotifySettings.from_env(environ=chosen).app_base_url == "https://padel.example"


def test_a_new_package_needs_an_address(tmp_path):
    files = descriptor_pb2.FileDescriptorSet.FromString(DEFAULT_DESCRIPTOR.read_bytes())
    venue = files.file.add(name="padel/venue/v1/venue_service.proto", package="padel.venue.v1", syntax="proto3")
    venue.service.add(name="VenueService")
    descriptor = tmp_path / "padel.binpb"
    descriptor.write_bytes(files.SerializeToString())
    with pytest.raises(RenderError, match="PADEL_VENUE_ADDR"):
        render("local", descriptor, environ={})
    text = render("k8s", descriptor, environ={"PADEL_VENUE_ADDR": "venue:3005"})
    assert '{"prefix": "/padel.venue.v1."}, "route": {"cluster": "venue"' in text
    assert '"padel.venue.v1.VenueService"' in text


def add_probe_service(file: descriptor_pb2.FileDescriptorProto, name: str, path: str) -> None:
    """A public service with `Get` (GET path) and `Post` (POST path, JSON body) reusing status
    messages, plus `Private` (GET path/private) that needs a token and `Internal` (peers only)."""
    service = file.service.add(name=name)
    private = service.method.add(name="Private", input_type=".padel.status.v1.GetHealthRequest",
                                 output_type=".padel.status.v1.GetHealthResponse")
    private.options.Extensions[annotations_pb2.http].get = path + "/private"
    internal = service.method.add(name="Internal", input_type=".padel.status.v1.GetHealthRequest",
                                  output_type=".padel.status.v1.GetHealthResponse")
    internal.options.Extensions[access_pb2.access].internal = True
    for method_name, verb in (("Get", "get"), ("Post", "post")):
        method = service.method.add(
            name=method_name,
            input_type=".padel.status.v1.GetHealthRequest",
            output_type=".padel.status.v1.GetHealthResponse",
        )
        method.options.Extensions[access_pb2.access].public = True
        rule = method.options.Extensions[annotations_pb2.http]
        setattr(rule, verb, path)
        if verb == "post":
            rule.body = "*"


def descriptor_with_probe(out: pathlib.Path) -> pathlib.Path:
    """The real descriptor set plus a `padel.probe.v1` service, so a REST path reaches a cluster
    with nothing listening whatever protos the platform has today."""
    files = descriptor_pb2.FileDescriptorSet.FromString(DEFAULT_DESCRIPTOR.read_bytes())
    probe = files.file.add(
        name="padel/probe/v1/edge_test_probe.proto",
        package="padel.probe.v1",
        syntax="proto3",
        dependency=["google/api/annotations.proto", "padel/access/v1/access.proto", STATUS_FILE],
    )
    add_probe_service(probe, "EdgeTestProbeService", "/api/edge-test/probe")
    # GetHealth also at POST /api/edge-test/echo, so bad JSON meets a healthy upstream that
    # implements the method (one that does not may answer UNIMPLEMENTED before the body is read).
    status = next(file for file in files.file if file.name == STATUS_FILE)
    get_health = next(method for method in status.service[0].method if method.name == "GetHealth")
    echo = get_health.options.Extensions[annotations_pb2.http].additional_bindings.add(post="/api/edge-test/echo")
    echo.body = "*"
    out.write_bytes(files.SerializeToString())
    return out


class Status(status_service_pb2_grpc.StatusServiceServicer):
    """GetHealth only; GetStatus stays UNIMPLEMENTED on purpose."""

    def GetHealth(self, request, context):
        return status_service_pb2.GetHealthResponse(status="ok", version="test")


class SpanReceiver(trace_service_pb2_grpc.TraceServiceServicer):
    """OTLP's TraceService as the directory serves it, counting Envoy's export calls and spans."""

    def __init__(self):
        self.exports, self.spans = 0, 0

    def Export(self, request, context):
        self.exports += 1
        self.spans += sum(len(scope.spans) for resource in request.resource_spans for scope in resource.scope_spans)
        return trace_service_pb2.ExportTraceServiceResponse()


@contextlib.contextmanager
def directory_server(spans: SpanReceiver | None = None):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=[("grpc.so_reuseport", 0)])
    status_service_pb2_grpc.add_StatusServiceServicer_to_server(Status(), server)
    if spans is not None:
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(spans, server)
    health_servicer = health.HealthServicer()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        ("padel.status.v1.StatusService", "grpc.health.v1.Health", reflection.SERVICE_NAME), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield port
    finally:
        server.stop(0)


@contextlib.contextmanager
def running_edge(folder: pathlib.Path, directory_port: int, secret: str | None = None, **overrides: str):
    """A real Envoy on free ports in front of the directory at `directory_port`; yields its ports.
    Every other upstream points at a port nothing listens on. With `secret`, Envoy gets the edge
    secret as `python -m edge` gives it."""
    descriptor = descriptor_with_probe(folder / "padel.binpb")
    ports = {name: free_port() for name in ("edge", "admin", "ops", "dead")}
    environ = {
        "PADEL_EDGE_PORT": str(ports["edge"]),
        "PADEL_EDGE_ADMIN_PORT": str(ports["admin"]),
        "PADEL_EDGE_OPS_PORT": str(ports["ops"]),
        "PADEL_EDGE_DIRECTORY_ADDR": f"127.0.0.1:{directory_port}",
        "PADEL_EDGE_UPSTREAM_HEALTH_INTERVAL_SECONDS": "1",
    }
    names = {cluster_for_package(package) for package in read_services(descriptor)}
    for name in (names | {"auth", "user", "booking", "notify"}) - {"edge_directory"}:
        environ[f"PADEL_{name.upper()}_ADDR"] = f"127.0.0.1:{ports['dead']}"
    environ.update(overrides)
    config = folder / "envoy.yaml"
    config.write_text(render("local", descriptor, environ=environ))
    log, errors = folder / "access.log", folder / "envoy.err"
    with open(log, "w") as out, open(errors, "w") as err:
        process = subprocess.Popen(envoy_command(config, None, "warn", []), stdout=out, stderr=err,
                                   env=envoy_environment(secret) if secret else None)
    try:
        def ready() -> bool:
            assert process.poll() is None, errors.read_text()
            with contextlib.suppress(requests.RequestException):
                return requests.get(f"http://127.0.0.1:{ports['admin']}/ready", timeout=1).status_code == 200
            return False

        eventually(ready, "Envoy ready")
        yield {**ports, "base": f"http://127.0.0.1:{ports['edge']}", "log": log}
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def directory():
    with directory_server() as port:
        yield port


class Jwks(auth_service_pb2_grpc.AuthServiceServicer):
    """auth_svc's GetJwks only, serving the test token issuer's key."""

    def __init__(self, issuer):
        key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(issuer.key.public_key()))
        self.document = {"keys": [{**key, "kid": issuer.kid, "alg": "RS256", "use": "sig"}]}

    def GetJwks(self, request, context):
        return json_format.ParseDict(self.document, auth_service_pb2.GetJwksResponse(), ignore_unknown_fields=True)


@pytest.fixture(scope="module")
def jwks_upstream(token_issuer):
    """A healthy `auth` upstream whose JWKS holds `token_issuer`'s key, so its tokens pass the edge."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=[("grpc.so_reuseport", 0)])
    auth_service_pb2_grpc.add_AuthServiceServicer_to_server(Jwks(token_issuer), server)
    health_servicer = health.HealthServicer()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(0)


@pytest.fixture(scope="module")
def edge(tmp_path_factory, directory, jwks_upstream):
    with running_edge(tmp_path_factory.mktemp("edge"), directory, PADEL_AUTH_ADDR=jwks_upstream) as ports:
        yield ports


def test_the_edge_sends_its_spans_to_the_directory_many_to_an_export_call(tmp_path):
    """Every request is traced, yet the directory (a Python process) is not called for every few
    requests (Envoy's default: an export per 5 spans) but per batch (a second, or 100 spans)."""
    spans = SpanReceiver()
    with directory_server(spans) as port, running_edge(tmp_path, port) as edge:
        with requests.Session() as client:
            for _ in range(60):
                assert client.get(f"{edge['base']}/health", timeout=5).status_code == 200
        eventually(lambda: spans.spans >= 60, "Envoy exports the 60 requests' spans", interval=0.1)
    assert spans.exports < 60 / 5


def json_error(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    return response.json()


def test_rest_health_is_transcoded(edge):
    response = requests.get(f"{edge['base']}/health", timeout=5)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["version"] == "test"
    assert response.headers["x-request-id"]


def test_unknown_path_is_json_404(edge, token_issuer):
    for headers in ({}, bearer(token_issuer.token())):
        body = json_error(requests.get(f"{edge['base']}/api/nope", headers=headers, timeout=5), 404)
        assert body["code"] == grpc.StatusCode.NOT_FOUND.value[0] and body["message"]
    # A bad token is refused even where nothing would be found.
    json_error(requests.get(f"{edge['base']}/api/nope", headers=bearer("not.a.token"), timeout=5), 401)


def test_unknown_query_parameter_is_json_400(edge):
    body = json_error(requests.get(f"{edge['base']}/health?nope=1", timeout=5), 400)
    assert body["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]


def test_bad_json_is_json_400(edge):
    echo = requests.post(f"{edge['base']}/api/edge-test/echo", json={}, timeout=5)
    assert echo.status_code == 200 and echo.json()["status"] == "ok", echo.text
    response = requests.post(
        f"{edge['base']}/api/edge-test/echo",
        data="{not json",
        headers={"content-type": "application/json"},
        timeout=5,
    )
    assert json_error(response, 400)["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]


def test_unimplemented_rpc_is_json_501(edge):
    body = json_error(requests.get(f"{edge['base']}/api/status", timeout=5), 501)
    assert body["code"] == grpc.StatusCode.UNIMPLEMENTED.value[0]


def test_upstream_down_is_json_503(edge):
    body = json_error(requests.get(f"{edge['base']}/api/edge-test/probe", timeout=5), 503)
    assert body["code"] == grpc.StatusCode.UNAVAILABLE.value[0] and body["message"]


@pytest.mark.parametrize("path", ["/api/edge-test/probe", "/padel.status.v1.StatusService/GetHealth", "/nope"])
def test_cors_preflight(edge, path):
    response = requests.options(
        f"{edge['base']}{path}",
        headers={
            "origin": "https://app.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
        timeout=5,
    )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert "authorization" in response.headers["access-control-allow-headers"]


def test_native_grpc_through_the_edge(edge):
    with grpc.insecure_channel(f"127.0.0.1:{edge['edge']}") as channel:
        reply = status_service_pb2_grpc.StatusServiceStub(channel).GetHealth(
            status_service_pb2.GetHealthRequest(), timeout=5
        )
        assert reply.status == "ok"
        # An upstream that is down answers UNAVAILABLE with a plain message, not a JSON string.
        probe = channel.unary_unary(
            f"/{PROBE_SERVICE}/Get",
            request_serializer=status_service_pb2.GetHealthRequest.SerializeToString,
            response_deserializer=status_service_pb2.GetHealthResponse.FromString,
        )
        with pytest.raises(grpc.RpcError) as error:
            probe(status_service_pb2.GetHealthRequest(), timeout=5)
        assert error.value.code() == grpc.StatusCode.UNAVAILABLE
        assert not error.value.details().startswith("{")


# An internal RPC is answered as if no one served it, never sent to its service (the probe's is down:
# it would answer UNAVAILABLE).
@pytest.mark.parametrize("path", ["/padel.nope.v1.NopeService/Get", f"/{PROBE_SERVICE}/Internal"])
def test_native_grpc_for_an_unknown_package_or_an_internal_rpc_is_unimplemented(edge, token_issuer, path):
    with grpc.insecure_channel(f"127.0.0.1:{edge['edge']}") as channel:
        nope = channel.unary_unary(
            path,
            request_serializer=status_service_pb2.GetHealthRequest.SerializeToString,
            response_deserializer=status_service_pb2.GetHealthResponse.FromString,
        )
        with pytest.raises(grpc.RpcError) as error:  # default-deny: no token, no answer
            nope(status_service_pb2.GetHealthRequest(), timeout=5)
        assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.RpcError) as error:
            nope(status_service_pb2.GetHealthRequest(), metadata=token_issuer.metadata(), timeout=5)
        assert error.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_rate_limit_is_json_429(tmp_path, directory):
    # The edge's own JWKS fetches pass its listener too and may take a token, so count outcomes
    # rather than expect the first request to win.
    with running_edge(tmp_path, directory, PADEL_EDGE_RATE_LIMIT_RPS="1", PADEL_EDGE_RATE_LIMIT_BURST="3") as edge:
        statuses = [requests.get(f"{edge['base']}/health", timeout=5) for _ in range(8)]
        assert 200 in [s.status_code for s in statuses]
        assert json_error(statuses[-1], 429)["code"] == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]


def test_grpcurl_health_and_reflection_through_the_edge(edge):
    grpcurl = str(pathlib.Path(sys.executable).parent / "grpcurl")
    address = f"127.0.0.1:{edge['edge']}"
    check = subprocess.run(
        [grpcurl, "-plaintext", address, "grpc.health.v1.Health/Check"], capture_output=True, text=True, timeout=10
    )
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["status"] == "SERVING"
    listing = subprocess.run([grpcurl, "-plaintext", address, "list"], capture_output=True, text=True, timeout=10)
    assert "padel.status.v1.StatusService" in listing.stdout, listing.stderr


def test_ops_port_serves_readiness(edge):
    assert requests.get(f"http://127.0.0.1:{edge['ops']}/ready", timeout=5).status_code == 200
    assert "envoy_cluster_upstream_rq" in requests.get(f"http://127.0.0.1:{edge['ops']}/stats/prometheus", timeout=5).text
    assert requests.post(f"http://127.0.0.1:{edge['ops']}/quitquitquit", timeout=5).status_code == 404


def test_access_log_is_json_with_rest_path(edge):
    requests.get(f"{edge['base']}/health", headers={"x-request-id": "edge-log-probe"}, timeout=5)

    def mine() -> list[dict]:
        lines = [json.loads(line) for line in edge["log"].read_text().splitlines() if line.startswith("{")]
        return [line for line in lines if line.get("request_id") == "edge-log-probe"]

    entry = eventually(mine, "the access log line of the request", interval=0.1)[0]
    assert entry["path"] == "/health" and entry["method"] == "GET"
    assert entry["grpc_path"] == "/padel.status.v1.StatusService/GetHealth"
    assert entry["upstream_cluster"] == "edge_directory"
    assert str(entry["status"]) == "200"


# -- access tokens (jwt_authn) ---------------------------------------------------------------------


UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED.value[0]


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_template_regex():
    assert template_regex("/api/bookings/venues/{venue_id}") == "^/api/bookings/venues/[^/]+$"
    assert template_regex("/api/files/{path=**}") == "^/api/files/.+$"
    assert template_regex("/api/a/{x=*}/b-c") == "^/api/a/[^/]+/b\\-c$"


def test_jwt_rules_are_generated_from_the_contracts_and_default_deny():
    rules = jwt_rules(DEFAULT_DESCRIPTOR)
    required = {"provider_name": "padel"}
    # Everything that can reach a service needs a token: native gRPC by content type and path,
    # then only paths no RPC binds pass without one (the transcoder answers those 404).
    assert rules[-3:] == [
        {"match": {"prefix": "/", "headers": [{"name": "content-type", "string_match": {"prefix": "application/grpc"}}]},
         "requires": required},
        {"match": {"prefix": "/padel."}, "requires": required},
        {"match": {"prefix": "/"}, "requires": {"allow_missing": {}}}]
    open_matches = [rule["match"] for rule in rules if rule.get("requires", {}) != required][:-1]
    assert {"path": "/padel.auth.v1.AuthService/Login"} in open_matches
    assert {"path": "/api/auth/login", "headers": [{"name": ":method", "string_match": {"exact": "POST"}}]} \
        in open_matches
    assert not any("GetMe" in json.dumps(match) or "/api/auth/me" in json.dumps(match) for match in open_matches)
    assert {"match": {"path": "/api/auth/me", "headers": [{"name": ":method", "string_match": {"exact": "GET"}}]},
            "requires": required} in rules
    routes = rpc_routes(DEFAULT_DESCRIPTOR)
    assert ("/api/auth/jwks", "GET", True) in routes and ("/padel.auth.v1.AuthService/GetJwks", None, True) in routes
    assert ("/api/auth/logout", "POST", False) in routes


def test_private_routes_need_a_token_over_rest_and_native_grpc(edge, token_issuer):
    private = f"{edge['base']}/api/edge-test/probe/private"
    refused = json_error(requests.get(private, timeout=5), 401)
    assert refused["code"] == UNAUTHENTICATED and refused["message"] == "sign in first: this call needs an access token"
    assert json_error(requests.get(private, headers=bearer("not.a.token"), timeout=5), 401)["code"] == UNAUTHENTICATED
    wrong_audience = token_issuer.token(aud="someone-else")
    assert json_error(requests.get(private, headers=bearer(wrong_audience), timeout=5), 401)["code"] == UNAUTHENTICATED
    # A valid token passes the edge and meets the (dead) upstream.
    assert requests.get(private, headers=bearer(token_issuer.token()), timeout=5).status_code == 503
    with grpc.insecure_channel(f"127.0.0.1:{edge['edge']}") as channel:
        call = channel.unary_unary(
            f"/{PROBE_SERVICE}/Private",
            request_serializer=status_service_pb2.GetHealthRequest.SerializeToString,
            response_deserializer=status_service_pb2.GetHealthResponse.FromString,
        )
        for metadata in ((), (("authorization", f"Bearer {wrong_audience}"),)):
            with pytest.raises(grpc.RpcError) as error:
                call(status_service_pb2.GetHealthRequest(), metadata=metadata, timeout=5)
            assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert not error.value.details().startswith("{")
        with pytest.raises(grpc.RpcError) as error:
            call(status_service_pb2.GetHealthRequest(), metadata=token_issuer.metadata(), timeout=5)
        assert error.value.code() == grpc.StatusCode.UNAVAILABLE


def test_public_routes_pass_with_no_token_a_valid_one_or_a_stale_one(edge, token_issuer):
    public = f"{edge['base']}/api/edge-test/probe"
    expired = token_issuer.token(lifetime=-__import__("datetime").timedelta(minutes=5))
    for headers in ({}, bearer(token_issuer.token()), bearer(expired)):
        assert requests.get(public, headers=headers, timeout=5).status_code == 503  # the upstream is down
    assert requests.get(f"{edge['base']}/health", headers=bearer(expired), timeout=5).status_code == 200


@pytest.fixture
def user_service(start_service):
    """A real user_svc (its full interceptor chain) trusting `token_issuer`'s key, as the edge does."""
    from padel.user.v1 import user_service_pb2_grpc

    _, channel = start_service("user")
    return user_service_pb2_grpc.UserServiceStub(channel)


def test_the_edge_refuses_a_token_in_the_words_of_the_services(edge, token_issuer, user_service):
    """A token the edge refuses gets the answer a service gives for the same token: the same
    message and ErrorInfo reason, as google.rpc.Status JSON over REST and as grpc-message over gRPC."""
    from grpc_status import rpc_status
    from google.rpc import error_details_pb2
    from padel.user.v1 import user_service_pb2

    tokens = {"no token": None, "garbage": "not-a-jwt", "garbage with dots": "not.a.token",
              "expired": token_issuer.token(lifetime=-__import__("datetime").timedelta(minutes=5)),
              "another audience": token_issuer.token(aud="someone-else")}
    with grpc.insecure_channel(f"127.0.0.1:{edge['edge']}") as channel:
        through_edge = channel.unary_unary(
            f"/{PROBE_SERVICE}/Private", request_serializer=status_service_pb2.GetHealthRequest.SerializeToString,
            response_deserializer=status_service_pb2.GetHealthResponse.FromString)
        for kind, token in tokens.items():
            metadata = (("authorization", f"Bearer {token}"),) if token else ()
            with pytest.raises(grpc.RpcError) as direct:
                user_service.GetProfile(user_service_pb2.GetProfileRequest(), metadata=metadata, timeout=10)
            assert direct.value.code() == grpc.StatusCode.UNAUTHENTICATED, kind
            [info] = [detail for detail in rpc_status.from_call(direct.value).details
                      if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR)]
            reason = error_details_pb2.ErrorInfo()
            info.Unpack(reason)
            refused = json_error(requests.get(f"{edge['base']}/api/edge-test/probe/private",
                                              headers=bearer(token) if token else {}, timeout=5), 401)
            assert refused == {"code": UNAUTHENTICATED, "message": direct.value.details(), "details": [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason.reason,
                 "domain": "edge.padel"}]}, kind
            with pytest.raises(grpc.RpcError) as native:
                through_edge(status_service_pb2.GetHealthRequest(), metadata=metadata, timeout=5)
            assert native.value.code() == grpc.StatusCode.UNAUTHENTICATED, kind
            assert native.value.details() == direct.value.details(), kind


def login_from(edge, source: str, headers: dict[str, str] | None = None) -> int:
    """The HTTP status of a failed sign-in through the edge, sent from the local address `source`
    (every 127.x address is this machine), for an account of its own."""
    connection = http.client.HTTPConnection("127.0.0.1", edge["edge"], timeout=10, source_address=(source, 0))
    try:
        body = json.dumps({"email": f"player-{uuid.uuid4().hex[:8]}@example.com", "password": "not the password"})
        connection.request("POST", "/api/auth/login", body, {"content-type": "application/json", **(headers or {})})
        return connection.getresponse().status
    finally:
        connection.close()


def wait_healthy(edge, cluster: str) -> None:
    def healthy() -> bool:
        clusters = requests.get(f"http://127.0.0.1:{edge['admin']}/clusters", timeout=5).text
        return f"{cluster}::" in clusters and all(line.endswith("::healthy") for line in clusters.splitlines()
                                                  if line.startswith(f"{cluster}::") and "::health_flags::" in line)

    eventually(healthy, f"cluster {cluster} healthy", interval=0.1)


def test_the_login_throttle_counts_the_client_the_edge_saw_and_no_forged_header(tmp_path, directory, start_service):
    from mesh import origin

    host, _ = start_service("auth", PADEL_AUTH_BCRYPT_ROUNDS="4", PADEL_AUTH_LOGIN_MAX_FAILURES_PER_CLIENT="2")
    secret = (tmp_path / "data" / "edge" / "edge-secret").read_text().strip()  # what the service trusts
    forged = {origin.SECRET_HEADER: "a guess at the edge secret, long enough", origin.CLIENT_ADDRESS_HEADER: "203.0.113.7",
              "x-envoy-external-address": "203.0.113.7", "x-forwarded-for": "203.0.113.7"}
    (tmp_path / "edge").mkdir()
    with running_edge(tmp_path / "edge", directory, secret, PADEL_AUTH_ADDR=f"127.0.0.1:{host.port}") as edge:
        wait_healthy(edge, "auth")
        assert login_from(edge, "127.0.0.2") == 401
        assert login_from(edge, "127.0.0.2", forged) == 401  # counted for 127.0.0.2, whatever it claims
        assert login_from(edge, "127.0.0.2", forged) == 429
        assert login_from(edge, "127.0.0.2") == 429
        assert login_from(edge, "127.0.0.3") == 401  # another client, and not the edge's own address


def test_a_header_grpc_cannot_carry_is_dropped_not_a_500(edge):
    # gRPC metadata keys are [0-9a-z_.-]; forwarded as is, `#b` failed the call with 500
    # "Illegal header key" (found by tests/edge/test_api_fuzz.py).
    answer = requests.get(f"{edge['base']}/health", headers={"#b": "x", "x-note!": "y", "x-kept": "z"}, timeout=5)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "ok"
