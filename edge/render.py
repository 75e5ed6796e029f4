"""Renders the one Envoy template (envoy/envoy.yaml) for an environment.

The list of transcoded services and the `/padel.<name>.v1.` routes are read from the descriptor
set at render time, so a new proto package reaches the edge with no edit here: package
`padel.<name>.vN` goes to the cluster `<name>` (`status` goes to the edge directory). Scalars come
from PADEL_* environment variables with per-environment defaults:

| variable | local default | k8s default |
|---|---|---|
| PADEL_BIND_HOST | 127.0.0.1 | 0.0.0.0 |
| PADEL_EDGE_PORT | 3000 | 3000 |
| PADEL_EDGE_ADMIN_PORT (always on 127.0.0.1) | 9901 | 9901 |
| PADEL_EDGE_OPS_PORT (/ready, /stats/prometheus) | 9902 | 9902 |
| PADEL_AUTH_ADDR, ..._USER_, ..._BOOKING_, ..._NOTIFY_ | 127.0.0.1:PADEL_<SVC>_PORT (3001..3004) | auth:PADEL_AUTH_PORT ... |
| PADEL_EDGE_DIRECTORY_ADDR | 127.0.0.1:PADEL_EDGE_DIRECTORY_PORT (3010) | the same (a sidecar) |
| PADEL_EDGE_DESCRIPTOR (path written into the config) | the --descriptor file | /etc/padel/padel.binpb |
| PADEL_EDGE_RATE_LIMIT_RPS / _BURST | 200 / = rps | 200 / = rps |
| PADEL_EDGE_MAX_REQUEST_BYTES (largest REST body; larger is 413) | 4194304 | 4194304 |
| PADEL_EDGE_MAX_CONNECTIONS (open client connections) | 10000 | 10000 |
| PADEL_EDGE_CORS_ORIGINS (`*` or comma list) | * | * |
| PADEL_EDGE_UPSTREAM_HEALTH_INTERVAL_SECONDS (a healthy upstream's; an unhealthy one's is 1 s) | 3 | 3 |
| PADEL_TOKEN_ISSUER / PADEL_TOKEN_AUDIENCE (what jwt_authn accepts) | padel-auth / padel-platform | same |
| PADEL_EDGE_JWKS_CACHE_SECONDS (how long fetched signing keys are trusted) | 300 | 300 |
| PADEL_OTLP_ENDPOINT (OTLP/HTTP collector for the edge's spans, as for the services) | none | none |
| PADEL_TRACE_SAMPLE_PERCENT (share of requests traced; a client's traceparent is dropped, not followed) | 100 | 100 |

Access tokens (jwt_authn) are checked default-deny: the JWT rules are generated from the contracts.
Every RPC marked `(padel.access.v1.access).public` is open at its gRPC path and at its REST path
and verb (google.api.http, including additional bindings); so are health, status, reflection and
CORS preflights. Everything else, native gRPC included, needs a valid token. An RPC marked
`(padel.access.v1.access).internal` is for peers only (public too when a peer's job calls it for no
person): it has no REST binding and its gRPC path is routed to the directory, which answers
UNIMPLEMENTED as for a method no one serves. On a public route a
missing or failing token is let through (a client may send a stale token to Refresh); the service
ignores a bad token on a public RPC, as its auth interceptor does. The signing keys come from
auth_svc's `/api/auth/jwks`, fetched through the edge's own listener (cluster `edge_self`).

Envoy starts a W3C trace on every request (OpenTelemetry tracer, service `envoy`): a client's
`traceparent` and `tracestate` are dropped first (envoy.yaml `early_header_mutation_extensions`), so
no client decides what is traced. It logs the trace id; it exports its spans to PADEL_OTLP_ENDPOINT (cluster
`otlp_collector`), else to the edge directory, which files them beside the services' (edge/traces.py).

Every request forwarded carries the client's address and the edge secret (mesh.origin), the secret
read by Envoy from its environment at run time: `python -m edge` puts it there from
PADEL_EDGE_SECRET_FILE, so no rendered file holds it.
"""

import json
import pathlib
import re
import string
import urllib.parse
from dataclasses import dataclass
from typing import Mapping

from google.api import annotations_pb2
from google.protobuf import descriptor_pb2
from mesh import origin
from mesh.settings import (SERVICES, Env, directory_address, edge_port, otlp_endpoint, reach_host, service_address,
                           trace_sample_percent)
from padel.access.v1 import access_pb2

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "envoy" / "envoy.yaml"
DEFAULT_DESCRIPTOR = ROOT / "gen" / "padel.binpb"
ENVIRONMENTS = ("local", "k8s")
K8S_DESCRIPTOR = "/etc/padel/padel.binpb"
DIRECTORY = "edge_directory"
# The directory answers for the whole platform: status, gRPC health and reflection.
DIRECTORY_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")
ROUTE_TIMEOUT = "15s"
JWT_PROVIDER = "padel"
EDGE_SELF = "edge_self"
OTLP_CLUSTER = "otlp_collector"
TRACE_RECEIVER = "/opentelemetry.proto.collector.trace.v1.TraceService/"
JWKS_PATH = "/api/auth/jwks"
# Open to everyone whatever the contracts say: operators' probes and tools.
OPEN_PATHS = ("/health", "/api/status")
OPEN_PREFIXES = ("/padel.status.v1.", "/grpc.health.v1.", "/grpc.reflection.")
_HTTP_VERBS = ("get", "put", "post", "delete", "patch")
_TEMPLATE_VARIABLE = re.compile(r"\{([^}=]+)(?:=([^}]*))?\}")

_PACKAGE = re.compile(r"^padel\.([a-z][a-z0-9_]*)\.v\d+[a-z0-9]*$")


class RenderError(SystemExit):
    """The descriptor or an environment value cannot make a valid edge; names the cause."""


@dataclass(frozen=True)
class Upstream:
    """One upstream cluster: a gRPC (h2c) server at host:port."""

    name: str
    host: str
    port: int


def _padel_files(descriptor: pathlib.Path) -> list[descriptor_pb2.FileDescriptorProto]:
    try:
        data = descriptor.read_bytes()
    except OSError as exc:
        raise RenderError(f"descriptor set {descriptor}: {exc.strerror}") from None
    return [file for file in descriptor_pb2.FileDescriptorSet.FromString(data).file
            if file.package.startswith("padel.")]


def read_services(descriptor: pathlib.Path) -> dict[str, list[str]]:
    """Full names of every service in a `padel.*` package, by package, from a descriptor set."""
    by_package: dict[str, list[str]] = {}
    for file in _padel_files(descriptor):
        for service in file.service:
            by_package.setdefault(file.package, []).append(f"{file.package}.{service.name}")
    return {package: sorted(set(names)) for package, names in sorted(by_package.items())}


def template_regex(template: str) -> str:
    """A google.api.http path template as an anchored RE2 regex: `{id}` and `{id=*}` are one
    segment, `{path=**}` any rest; everything else is literal."""
    parts, last = [], 0
    for match in _TEMPLATE_VARIABLE.finditer(template):
        parts.append(re.escape(template[last:match.start()]))
        parts.append(".+" if (match.group(2) or "*") == "**" else "[^/]+")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return "^" + "".join(parts) + "$"


def internal_paths(descriptor: pathlib.Path) -> list[str]:
    """The gRPC path of every RPC marked `(padel.access.v1.access).internal`: only peers call it, at
    the service's own port. Such an RPC may have no REST binding (the transcoder would serve it)."""
    paths = []
    for file in _padel_files(descriptor):
        for service in file.service:
            for method in service.method:
                access = method.options.Extensions[access_pb2.access]
                if not access.internal:
                    continue
                path = f"/{file.package}.{service.name}/{method.name}"
                if method.options.HasExtension(annotations_pb2.http):
                    raise RenderError(f"{path}: an internal RPC cannot be bound to REST")
                paths.append(path)
    return paths


def rpc_routes(descriptor: pathlib.Path) -> list[tuple[str, str | None, bool]]:
    """(path or path template, HTTP verb, public) of every RPC the edge serves: its gRPC path (verb
    None: any) and each of its REST bindings; `public` is the contract's
    `(padel.access.v1.access).public`. Internal RPCs are left out (see `internal_paths`)."""
    routes: list[tuple[str, str | None, bool]] = []
    for file in _padel_files(descriptor):
        for service in file.service:
            for method in service.method:
                if method.options.Extensions[access_pb2.access].internal:
                    continue
                public = method.options.Extensions[access_pb2.access].public
                routes.append((f"/{file.package}.{service.name}/{method.name}", None, public))
                rule = method.options.Extensions[annotations_pb2.http]
                for binding in (rule, *rule.additional_bindings):
                    pattern = binding.WhichOneof("pattern")
                    if pattern in _HTTP_VERBS:
                        routes.append((getattr(binding, pattern), pattern.upper(), public))
                    elif pattern == "custom":
                        routes.append((binding.custom.path, binding.custom.kind.upper(), public))
    return routes


def _path_match(path: str, verb: str | None = None) -> dict:
    match: dict = {"safe_regex": {"regex": template_regex(path)}} if "{" in path else {"path": path}
    if verb:
        match["headers"] = [{"name": ":method", "string_match": {"exact": verb}}]
    return match


def jwt_rules(descriptor: pathlib.Path) -> list[dict]:
    """jwt_authn rules, default-deny for everything that can reach a service: open routes first,
    then every private REST binding and every gRPC request requires a valid token. Only a path no
    RPC binds is let through without one, and the transcoder refuses it (404)."""
    # Verified when present and valid, let through when missing or failing (see the module doc).
    optional = {"requires_any": {"requirements": [{"provider_name": JWT_PROVIDER}, {"allow_missing_or_failed": {}}]}}
    required = {"provider_name": JWT_PROVIDER}
    rules: list[dict] = [{"match": {"prefix": "/", "headers": [
        {"name": ":method", "string_match": {"exact": "OPTIONS"}}]}}]  # CORS preflights carry no token
    rules += [{"match": _path_match(path)} for path in OPEN_PATHS]
    rules += [{"match": {"prefix": prefix}} for prefix in OPEN_PREFIXES]
    routes = [r for r in dict.fromkeys(rpc_routes(descriptor))
              if r[0] not in OPEN_PATHS and not r[0].startswith(OPEN_PREFIXES)]
    rules += [{"match": _path_match(path, verb), "requires": optional} for path, verb, public in routes if public]
    rules += [{"match": _path_match(path, verb), "requires": required}
              for path, verb, public in routes if not public and verb is not None]
    # Native gRPC, whatever the path (private methods and packages not bound yet).
    rules.append({"match": {"prefix": "/", "headers": [
        {"name": "content-type", "string_match": {"prefix": "application/grpc"}}]}, "requires": required})
    rules.append({"match": {"prefix": "/padel."}, "requires": required})
    # No RPC has this path: a token is not needed to be told 404 (a bad one is still refused).
    rules.append({"match": {"prefix": "/"}, "requires": {"allow_missing": {}}})
    return rules


def cluster_for_package(package: str) -> str:
    """`padel.booking.v1` → `booking`; the status package is served by the edge directory."""
    match = _PACKAGE.match(package)
    if not match:
        raise RenderError(f"proto package {package!r} is not of the form padel.<name>.v<N>")
    name = match.group(1)
    return DIRECTORY if name == "status" else name


def _split_address(variable: str, address: str) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise RenderError(f"{variable}: expected host:port, got {address!r}")
    return host.strip("[]"), int(port)


def _address(env: Env, environment: str, name: str) -> tuple[str, int]:
    variable = f"PADEL_{name.upper()}_ADDR"
    if name == DIRECTORY:
        address = directory_address(env)
    elif name in SERVICES:
        # In Kubernetes a service is reached by its Service name; here, on this machine.
        address = service_address(env, name, host=name if environment == "k8s" else None)
    else:
        address = env.str(variable)
    if not address:
        raise RenderError(f"{variable}: required for proto package padel.{name}.* but not set")
    return _split_address(variable, address)


def _cors_origins(env: Env) -> list[dict]:
    raw = env.str("PADEL_EDGE_CORS_ORIGINS", "*")
    origins = [origin.strip() for origin in raw.split(",") if origin.strip()]
    if not origins or "*" in origins:
        return [{"safe_regex": {"regex": ".*"}}]
    return [{"exact": origin} for origin in origins]


def _cluster(upstream: Upstream, health_interval: int) -> dict:
    return {
        "name": upstream.name,
        "type": "STRICT_DNS",
        "dns_lookup_family": "V4_PREFERRED",
        "connect_timeout": "1s",
        "lb_policy": "ROUND_ROBIN",
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config": {
                    "http2_protocol_options": {
                        "connection_keepalive": {"interval": "30s", "timeout": "5s"},
                    }
                },
            }
        },
        # Without a zero panic threshold a cluster whose only host is unhealthy still gets traffic.
        "common_lb_config": {"healthy_panic_threshold": {"value": 0}},
        "health_checks": [
            {
                "timeout": "1s",
                "interval": f"{health_interval}s",
                "no_traffic_interval": f"{health_interval}s",
                # A healthy host's first failed check is followed by the next one a second later (the
                # "edge"), and an unhealthy host is checked every second: a dead service is out of
                # rotation within `interval` + 1 s, a restarted one back within a second, while a
                # healthy one is asked only every `interval` (each check wakes gRPC's threads of
                # an idle service dozens of times: 0.1 % of a core per service at 2 s; issue 11).
                "unhealthy_edge_interval": "1s",
                "unhealthy_interval": "1s",
                "unhealthy_threshold": 2,
                "healthy_threshold": 1,
                "grpc_health_check": {},
            }
        ],
        "load_assignment": {
            "cluster_name": upstream.name,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {
                            "endpoint": {
                                "address": {
                                    "socket_address": {
                                        "address": upstream.host,
                                        "port_value": upstream.port,
                                    }
                                }
                            }
                        }
                    ]
                }
            ],
        },
    }


def _local_cluster(name: str, host: str, port: int) -> dict:
    """A plain HTTP/1.1 cluster of one fixed local address (Envoy's own admin or edge listener)."""
    return {
        "name": name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": name,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {
                            "endpoint": {
                                "address": {
                                    "socket_address": {"address": host, "port_value": port}
                                }
                            }
                        }
                    ]
                }
            ],
        },
    }


def tracer(env: Env) -> tuple[dict, list[dict]]:
    """Envoy's OpenTelemetry tracer, and the cluster its OTLP/HTTP exporter needs. Without
    PADEL_OTLP_ENDPOINT it exports over OTLP/gRPC to the edge directory (edge/traces.py).

    Its sampler keeps PADEL_TRACE_SAMPLE_PERCENT of requests (by the trace id Envoy made: a client's
    `traceparent` never reaches the tracer, envoy.yaml); the decision goes on in the flag of the
    `traceparent` Envoy sends, which the services follow. An unkept request still has a trace id
    (access log, services)."""
    sampler = {"name": "envoy.tracers.opentelemetry.samplers.trace_id_ratio_based", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.tracers.opentelemetry.samplers.v3.TraceIdRatioBasedSamplerConfig",
        "sampling_percentage": {"numerator": trace_sample_percent(env), "denominator": "HUNDRED"}}}
    config = {"@type": "type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig", "service_name": "envoy",
              "sampler": sampler}
    endpoint = otlp_endpoint(env)
    if not endpoint:
        config["grpc_service"] = {"envoy_grpc": {"cluster_name": DIRECTORY}, "timeout": "2s"}
        return config, []
    parts = urllib.parse.urlsplit(endpoint)
    tls = parts.scheme == "https"
    config["http_service"] = {"http_uri": {"uri": f"{endpoint}/v1/traces", "cluster": OTLP_CLUSTER, "timeout": "2s"}}
    cluster = {**_local_cluster(OTLP_CLUSTER, parts.hostname, parts.port or (443 if tls else 80)), "type": "STRICT_DNS"}
    if tls:
        cluster["transport_socket"] = {"name": "envoy.transport_sockets.tls", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
            "sni": parts.hostname}}
    return config, [cluster]


_UNBUFFERED = {"envoy.filters.http.buffer": {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.BufferPerRoute", "disabled": True}}


def _route(prefix: str, cluster: str, *, buffered: bool = False, exact: bool = False) -> dict:
    """A route by path prefix (or `exact` path). Only the catch-all that REST paths match before
    transcoding holds bodies whole (the buffer filter); native gRPC streams through."""
    route = {"match": {"path" if exact else "prefix": prefix}, "route": {"cluster": cluster, "timeout": ROUTE_TIMEOUT}}
    if not buffered:
        route["typed_per_filter_config"] = _UNBUFFERED
    return route


def render(
    environment: str = "local",
    descriptor: pathlib.Path = DEFAULT_DESCRIPTOR,
    environ: Mapping[str, str] | None = None,
    template: pathlib.Path = TEMPLATE,
) -> str:
    """The Envoy configuration text for `environment` ('local' or 'k8s')."""
    if environment not in ENVIRONMENTS:
        raise RenderError(f"environment: expected one of {', '.join(ENVIRONMENTS)}, got {environment!r}")
    env = Env(environ)
    k8s = environment == "k8s"
    descriptor = pathlib.Path(descriptor).resolve()
    services = read_services(descriptor)
    if not services:
        raise RenderError(f"descriptor set {descriptor}: no service in any padel.* package")

    # Every known service gets a route and a cluster even before its protos exist (native gRPC
    # and health checks work from day one); every package in the descriptor adds its own.
    packages = {f"padel.{name}.v1": name for name in SERVICES}
    packages.update({package: cluster_for_package(package) for package in services})
    cluster_names = sorted(set(packages.values()) | {DIRECTORY})

    health_interval = env.int("PADEL_EDGE_UPSTREAM_HEALTH_INTERVAL_SECONDS", 3, 1, 300)
    upstreams = [Upstream(name, *_address(env, environment, name)) for name in cluster_names]
    admin_port = env.int("PADEL_EDGE_ADMIN_PORT", 9901, 1, 65535)
    rps = env.int("PADEL_EDGE_RATE_LIMIT_RPS", 200, 1, 1_000_000)
    port = edge_port(env)
    bind_host = env.str("PADEL_BIND_HOST", "0.0.0.0" if k8s else "127.0.0.1")
    # Where the edge reaches its own listener (cluster edge_self: jwt_authn fetches the JWKS over
    # the transcoded REST route); a wildcard bind, the k8s default, is reached on loopback.
    self_host = reach_host(env)

    # An internal RPC's gRPC path goes where no one serves it: the directory answers UNIMPLEMENTED,
    # as for any unknown method (peers call it at the service's own port).
    routes = [_route(path, DIRECTORY, exact=True) for path in internal_paths(descriptor)]
    routes += [_route(f"/{package}.", cluster) for package, cluster in sorted(packages.items())]
    routes += [_route(prefix, DIRECTORY) for prefix in DIRECTORY_PREFIXES]
    # Before transcoding a REST path matches only this catch-all, which gives cors and
    # local_ratelimit a route to work with (neither acts on a direct_response route, so CORS
    # preflights would fail). The transcoder then refuses an unknown REST path with 404 or
    # rewrites a known one and the router re-matches above; only native gRPC for a package no
    # one serves gets here, and the directory answers it UNIMPLEMENTED.
    # The directory files Envoy's own spans (edge/traces.py); nobody outside may write them.
    routes.append({"match": {"prefix": TRACE_RECEIVER}, "direct_response": {"status": 404},
                   "typed_per_filter_config": _UNBUFFERED})
    routes.append(_route("/", DIRECTORY, buffered=True))

    tracer_config, tracer_clusters = tracer(env)
    values = {
        "bind_host": bind_host,
        "edge_port": port,
        "admin_host": "127.0.0.1",
        "admin_port": admin_port,
        "ops_port": env.int("PADEL_EDGE_OPS_PORT", 9902, 0, 65535),
        "descriptor_path": env.str("PADEL_EDGE_DESCRIPTOR", K8S_DESCRIPTOR if k8s else str(descriptor)),
        "max_connections": env.int("PADEL_EDGE_MAX_CONNECTIONS", 10_000, 1, 1_000_000),
        "rate_limit_rps": rps,
        "max_request_bytes": env.int("PADEL_EDGE_MAX_REQUEST_BYTES", 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
        "rate_limit_burst": env.int("PADEL_EDGE_RATE_LIMIT_BURST", rps, 1, 10_000_000),
        "cors_origins": json.dumps(_cors_origins(env)),
        "routes": json.dumps(routes),
        "transcoded_services": json.dumps([name for names in services.values() for name in names]),
        "token_issuer": json.dumps(env.str("PADEL_TOKEN_ISSUER", "padel-auth")),
        "token_audiences": json.dumps([env.str("PADEL_TOKEN_AUDIENCE", "padel-platform")]),
        "jwks_uri": json.dumps(f"http://{self_host}:{port}{JWKS_PATH}"),
        "jwks_cache_seconds": env.int("PADEL_EDGE_JWKS_CACHE_SECONDS", 300, 1, 86400),
        "jwt_rules": json.dumps(jwt_rules(descriptor)),
        "client_address_header": origin.CLIENT_ADDRESS_HEADER,
        "edge_secret_header": origin.SECRET_HEADER,
        "edge_secret_variable": origin.ENVOY_SECRET_VARIABLE,
        "tracer": json.dumps(tracer_config),
        "clusters": json.dumps(
            [_cluster(upstream, health_interval) for upstream in upstreams]
            + [_local_cluster("envoy_admin", "127.0.0.1", admin_port),
               _local_cluster(EDGE_SELF, self_host.strip("[]"), port)]
            + tracer_clusters
        ),
    }
    try:
        return string.Template(template.read_text()).substitute(values)
    except (KeyError, ValueError) as exc:
        raise RenderError(f"{template}: bad or unknown placeholder {exc}") from None


def write(text: str, out: pathlib.Path) -> pathlib.Path:
    """Writes a rendered config atomically (a running Envoy never sees half a file)."""
    out = pathlib.Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(out)
    return out
