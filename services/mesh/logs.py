"""JSON logs, one object a line, each carrying the service, the process, the current request id and
trace id.

Request threads do not write: they hand each record to one writer thread through a queue
(logging's QueueHandler/QueueListener), so no request waits on the stream handler's lock or on the
JSON formatting, which a quarter of request-thread time did under load (issue 11).
"""

import atexit
import contextvars
import logging
import queue
import sys
from logging.handlers import QueueHandler, QueueListener
from typing import TextIO

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("padel_request_id", default="")

_writer: QueueListener | None = None


class _Context(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = REQUEST_ID.get()  # read in the request's thread, before the hand-off
        span = trace.get_current_span().get_span_context()
        # The id to look for in data/traces/ (or the collector) and in Envoy's access log.
        record.trace_id = format(span.trace_id, "032x") if span.is_valid else ""
        return True


class _HandOff(QueueHandler):
    """Queues the record itself for the writer thread, which formats it. The message is rendered
    now (its arguments may change later); the traceback stays for the JSON formatter."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record.msg, record.args = record.getMessage(), None
        return record


def configure(service: str, level: str = "INFO", stream: TextIO | None = None) -> None:
    """Sends every log record to `stream` (stderr) as JSON; call once at process start."""
    global _writer
    stop()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(service)s %(process)d %(request_id)s %(trace_id)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    records: queue.SimpleQueue = queue.SimpleQueue()
    hand_off = _HandOff(records)
    hand_off.addFilter(_Context(service))
    _writer = QueueListener(records, handler)
    _writer.start()
    root = logging.getLogger()
    root.handlers[:] = [hand_off]
    root.setLevel(level)


@atexit.register
def stop() -> None:
    """Writes what is queued and ends the writer thread (at exit; before configuring again)."""
    global _writer
    if _writer is not None:
        _writer.stop()
        _writer = None
