"""Prometheus metrics with the names Prometheus users already chart (go-grpc-prometheus).

Metric objects live in the process-wide registry and are created once at import; labels carry the
service and method, never user data or secrets.
"""

import socket
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

LABELS = ("grpc_type", "grpc_service", "grpc_method")

STARTED = Counter("grpc_server_started_total", "RPCs started on the server.", LABELS)
HANDLED = Counter("grpc_server_handled_total", "RPCs completed on the server, by status code.",
                  (*LABELS, "grpc_code"))
HANDLING_SECONDS = Histogram(
    "grpc_server_handling_seconds", "Time to handle an RPC until the server's response.", LABELS,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
MSG_RECEIVED = Counter("grpc_server_msg_received_total", "Stream messages received by the server.", LABELS)
MSG_SENT = Counter("grpc_server_msg_sent_total", "Stream messages sent by the server.", LABELS)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        """Scrapes are not news (WSGIRequestHandler writes a line per request to stderr)."""


def serve_metrics(host: str, port: int, registry: CollectorRegistry = REGISTRY) -> int:
    """Serves /metrics on its own HTTP port; returns the port (useful when `port` is 0).

    prometheus_client's own `start_http_server` looks every 0.5 s whether it was shut down: two
    wakes a second of every idle process (issue 11). This one is never shut down (a daemon thread
    that ends with the process), so it waits for a scrape and nothing else."""

    class Server(ThreadingWSGIServer):
        address_family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]

    server = make_server(host, port, make_wsgi_app(registry), Server, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": None}, name="metrics",
                     daemon=True).start()
    return server.server_port
