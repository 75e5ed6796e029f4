"""Prometheus metrics with the names Prometheus users already chart (go-grpc-prometheus).

Metric objects live in the process-wide registry and are created once at import; labels carry the
service and method, never user data or secrets.
"""

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server

LABELS = ("grpc_type", "grpc_service", "grpc_method")

STARTED = Counter("grpc_server_started_total", "RPCs started on the server.", LABELS)
HANDLED = Counter("grpc_server_handled_total", "RPCs completed on the server, by status code.",
                  (*LABELS, "grpc_code"))
HANDLING_SECONDS = Histogram(
    "grpc_server_handling_seconds", "Time to handle an RPC until the server's response.", LABELS,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
MSG_RECEIVED = Counter("grpc_server_msg_received_total", "Stream messages received by the server.", LABELS)
MSG_SENT = Counter("grpc_server_msg_sent_total", "Stream messages sent by the server.", LABELS)


def serve_metrics(host: str, port: int, registry: CollectorRegistry = REGISTRY) -> int:
    """Serves /metrics on its own HTTP port; returns the port (useful when `port` is 0)."""
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return server.server_port
