"""notify's test stand-ins: a real local SMTP server (aiosmtpd), an HTTP provider that records
requests and answers from a script, event publishing into the streams notify reads, and waiting.

Test modules load the fixtures with `pytest_plugins = ["notify_standins"]` (a uniquely named
module: a conftest.py of our own would shadow tests/conftest.py, whose `launch_platform` the edge
tests import)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventually(check, timeout: float = 10.0, interval: float = 0.05):
    """The first truthy result of `check()`, or an AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout}s: {check}")
        time.sleep(interval)


class Mailbox:
    """What the SMTP server received; `replies` scripts SMTP answers (e.g. "451 try later")."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.replies: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        if self.replies:
            return self.replies.pop(0)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp():
    """A real SMTP server on a fixed free port (aiosmtpd fails with port 0)."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


class Provider:
    """A local HTTP stand-in for SMS/WhatsApp/FCM: records requests, answers with scripted statuses."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                with provider.lock:
                    status = provider.statuses.pop(0) if provider.statuses else 201
                    provider.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                              "status": status})
                answer = json.dumps({"sid": f"SM{uuid.uuid4().hex}"} if status < 400 else {"message": "no"}).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def form(self, index: int) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.requests[index]["body"]).items()}

    def to(self, number: str) -> list[dict]:
        return [r for r in self.requests if parse_qs(r["body"]).get("To", [""])[0] == number]


@pytest.fixture
def provider():
    running = Provider()
    thread = threading.Thread(target=running.server.serve_forever, daemon=True)
    thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


def publish(redis_client, service: str, message, event_id: str | None = None, *, wait: bool = False) -> str:
    """Adds an event to `padel.<service>.events` exactly as mesh's outbox relay writes it.

    With `wait`, returns once notify's consumer group has handled and acknowledged it: notify reads
    three streams, so without waiting a booking event may be handled before the preferences
    published just before it on another stream.
    """
    event_id = event_id or str(uuid.uuid4())
    stream = f"padel.{service}.events"
    entry = redis_client.xadd(stream, {
        "id": event_id, "type": message.DESCRIPTOR.full_name, "data": message.SerializeToString(),
        "occurred_at": dt.datetime.now(dt.timezone.utc).isoformat()})
    if wait:
        def handled():
            groups = {g["name"]: g for g in redis_client.xinfo_groups(stream)}
            group = groups.get(b"notify") or groups.get("notify")
            if group is None or group["pending"]:
                return False
            last = group["last-delivered-id"]
            key = lambda entry_id: tuple(int(p) for p in (entry_id.decode() if isinstance(entry_id, bytes) else entry_id).split("-"))
            return key(last) >= key(entry)
        eventually(handled)
    return event_id


@pytest.fixture
def notify_env(smtp, provider):
    """Settings pointing notify at the local SMTP server and HTTP stand-in, with tiny retry delays."""
    return {
        "PADEL_NOTIFY_SMTP_HOST": "127.0.0.1", "PADEL_NOTIFY_SMTP_PORT": str(smtp.port),
        "PADEL_NOTIFY_SMS_BASE_URL": provider.url, "PADEL_NOTIFY_SMS_ACCOUNT_SID": "AC123",
        "PADEL_NOTIFY_SMS_AUTH_TOKEN": "sms-secret", "PADEL_NOTIFY_SMS_FROM": "+15550001111",
        "PADEL_NOTIFY_RETRY_BASE_SECONDS": "0.05", "PADEL_NOTIFY_RETRY_MAX_SECONDS": "0.2",
        "PADEL_NOTIFY_POLL_SECONDS": "0.05", "PADEL_NOTIFY_SEND_TIMEOUT_SECONDS": "2",
    }


@pytest.fixture
def embedded_redis():
    """The in-process Redis stand-in a server started in this process uses, emptied."""
    from mesh.events import make_redis

    client = make_redis("")
    client.flushdb()
    return client
