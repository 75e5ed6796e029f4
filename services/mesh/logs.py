"""JSON logs, one object a line, each carrying the service, the process, the current request id and
trace id.

Request threads do not write: they hand each record to one writer thread through a queue
(logging's QueueHandler), so no request waits on the stream handler's lock or on the JSON
formatting, which a quarter of request-thread time did under load (issue 11). The writer wakes for
a record, lets the lines of the next BATCH_SECONDS join it and writes them all at once: on a busy
server one wake-up (a thread hand-off of the GIL) and one write for many calls, not for each.
"""

import atexit
import contextlib
import contextvars
import logging
import queue
import sys
import threading
import time
from logging.handlers import QueueHandler
from typing import TextIO

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("padel_request_id", default="")

BATCH_SECONDS = 0.05
_STOP = None  # queued by `stop`: the writer writes what came before it and ends

_writer: "_Writer | None" = None


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


class _Writer:
    """The one thread that formats and writes the queued records, in batches."""

    def __init__(self, records: queue.SimpleQueue, handler: logging.StreamHandler):
        self.records, self.handler = records, handler
        self._thread = threading.Thread(target=self._run, name="log-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.records.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [self.records.get()]  # sleeps while nothing is logged
            if batch[0] is not _STOP:
                time.sleep(BATCH_SECONDS)
            with contextlib.suppress(queue.Empty):
                while batch[-1] is not _STOP:
                    batch.append(self.records.get_nowait())
            stopping = batch[-1] is _STOP
            self._write(batch[:-1] if stopping else batch)

    def _write(self, records: list[logging.LogRecord]) -> None:
        lines = []
        for record in records:
            try:
                lines.append(self.handler.format(record) + self.handler.terminator)
            except Exception:  # noqa: BLE001 - logging's own rule: a bad record never stops the others
                self.handler.handleError(record)
        if lines:
            try:
                self.handler.stream.write("".join(lines))
                self.handler.flush()
            except Exception:  # noqa: BLE001
                self.handler.handleError(records[-1])


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
    _writer = _Writer(records, handler)
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
