"""JSON logs, one object a line, each carrying the service, the current request id and trace id."""

import contextvars
import logging
import sys

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("padel_request_id", default="")


class _Context(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = REQUEST_ID.get()
        span = trace.get_current_span().get_span_context()
        # The id to look for in data/traces/ (or the collector) and in Envoy's access log.
        record.trace_id = format(span.trace_id, "032x") if span.is_valid else ""
        return True


def configure(service: str, level: str = "INFO") -> None:
    """Sends every log record to stderr as JSON; call once at process start."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_Context(service))
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(service)s %(request_id)s %(trace_id)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
