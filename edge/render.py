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
| PADEL_AUTH_ADDR, ..._USER_, ..._BOOKING_, ..._NOTIFY_ | 127.0.0.1:3001..3004 | auth:3001 ... |
| PADEL_EDGE_DIRECTORY_ADDR | 127.0.0.1:3010 | 127.0.0.1:3010 (sidecar) |
| PADEL_EDGE_DESCRIPTOR (path written into the config) | the --descriptor file | /etc/padel/padel.binpb |
| PADEL_EDGE_RATE_LIMIT_RPS / _BURST | 200 / = rps | 200 / = rps |
| PADEL_EDGE_MAX_CONNECTIONS (open client connections) | 10000 | 10000 |
| PADEL_EDGE_CORS_ORIGINS (`*` or comma list) | * | * |
| PADEL_EDGE_UPSTREAM_HEALTH_INTERVAL_SECONDS | 2 | 2 |
"""

import json
import pathlib
import re
import string
from dataclasses import dataclass
from typing import Mapping

from google.protobuf import descriptor_pb2
from mesh.settings import SERVICES, Env, service_address

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "envoy" / "envoy.yaml"
DEFAULT_DESCRIPTOR = ROOT / "gen" / "padel.binpb"
ENVIRONMENTS = ("local", "k8s")
K8S_DESCRIPTOR = "/etc/padel/padel.binpb"
DIRECTORY = "edge_directory"
DEFAULT_DIRECTORY_ADDR = "127.0.0.1:3010"
# The directory answers for the whole platform: status, gRPC health and reflection.
DIRECTORY_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")
ROUTE_TIMEOUT = "15s"

_PACKAGE = re.compile(r"^padel\.([a-z][a-z0-9_]*)\.v\d+[a-z0-9]*$")


class RenderError(SystemExit):
    """The descriptor or an environment value cannot make a valid edge; names the cause."""


@dataclass(frozen=True)
class Upstream:
    """One upstream cluster: a gRPC (h2c) server at host:port."""

    name: str
    host: str
    port: int


def read_services(descriptor: pathlib.Path) -> dict[str, list[str]]:
    """Full names of every service in a `padel.*` package, by package, from a descriptor set."""
    try:
        data = descriptor.read_bytes()
    except OSError as exc:
        raise RenderError(f"descriptor set {descriptor}: {exc.strerror}") from None
    files = descriptor_pb2.FileDescriptorSet.FromString(data)
    by_package: dict[str, list[str]] = {}
    for file in files.file:
        if not file.package.startswith("padel."):
            continue
        for service in file.service:
            by_package.setdefault(file.package, []).append(f"{file.package}.{service.name}")
    return {package: sorted(set(names)) for package, names in sorted(by_package.items())}


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
        address = env.str(variable, DEFAULT_DIRECTORY_ADDR)
    elif environment == "k8s":
        default_port = SERVICES[name][0] if name in SERVICES else None
        address = env.str(variable, f"{name}:{default_port}" if default_port else "")
    elif name in SERVICES:
        address = service_address(env, name)
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


def _admin_cluster(admin_port: int) -> dict:
    return {
        "name": "envoy_admin",
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": "envoy_admin",
            "endpoints": [
                {
                    "lb_endpoints": [
                        {
                            "endpoint": {
                                "address": {
                                    "socket_address": {"address": "127.0.0.1", "port_value": admin_port}
                                }
                            }
                        }
                    ]
                }
            ],
        },
    }


def _route(prefix: str, cluster: str) -> dict:
    return {"match": {"prefix": prefix}, "route": {"cluster": cluster, "timeout": ROUTE_TIMEOUT}}


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

    health_interval = env.int("PADEL_EDGE_UPSTREAM_HEALTH_INTERVAL_SECONDS", 2, 1, 300)
    upstreams = [Upstream(name, *_address(env, environment, name)) for name in cluster_names]
    admin_port = env.int("PADEL_EDGE_ADMIN_PORT", 9901, 1, 65535)
    rps = env.int("PADEL_EDGE_RATE_LIMIT_RPS", 200, 1, 1_000_000)

    routes = [_route(f"/{package}.", cluster) for package, cluster in sorted(packages.items())]
    routes += [_route(prefix, DIRECTORY) for prefix in DIRECTORY_PREFIXES]
    # Before transcoding a REST path matches only this catch-all, which gives cors and
    # local_ratelimit a route to work with (neither acts on a direct_response route, so CORS
    # preflights would fail). The transcoder then refuses an unknown REST path with 404 or
    # rewrites a known one and the router re-matches above; only native gRPC for a package no
    # one serves gets here, and the directory answers it UNIMPLEMENTED.
    routes.append(_route("/", DIRECTORY))

    values = {
        "bind_host": env.str("PADEL_BIND_HOST", "0.0.0.0" if k8s else "127.0.0.1"),
        "edge_port": env.int("PADEL_EDGE_PORT", 3000, 0, 65535),
        "admin_host": "127.0.0.1",
        "admin_port": admin_port,
        "ops_port": env.int("PADEL_EDGE_OPS_PORT", 9902, 0, 65535),
        "descriptor_path": env.str("PADEL_EDGE_DESCRIPTOR", K8S_DESCRIPTOR if k8s else str(descriptor)),
        "max_connections": env.int("PADEL_EDGE_MAX_CONNECTIONS", 10_000, 1, 1_000_000),
        "rate_limit_rps": rps,
        "rate_limit_burst": env.int("PADEL_EDGE_RATE_LIMIT_BURST", rps, 1, 10_000_000),
        "cors_origins": json.dumps(_cors_origins(env)),
        "routes": json.dumps(routes),
        "transcoded_services": json.dumps([name for names in services.values() for name in names]),
        "clusters": json.dumps(
            [_cluster(upstream, health_interval) for upstream in upstreams] + [_admin_cluster(admin_port)]
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
