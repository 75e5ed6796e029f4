"""notify's test stand-ins: a real local SMTP server (aiosmtpd), an HTTP provider that records
requests and answers from a script, a Firebase service account with its token endpoint, event
publishing into the streams notify reads, and waiting; the `notify` fixture starts the real server
pointed at them.

Test modules load the fixtures with `pytest_plugins = ["notify_standins"]` (a uniquely named
module: a conftest.py of our own would shadow tests/conftest.py, whose `launch_platform` the edge
tests import)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from google.protobuf.timestamp_pb2 import Timestamp
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_pb2, notify_service_pb2 as pb, notify_service_pb2_grpc
from padel.user.v1 import events_pb2 as user_events
from padel.user.v1 import user_pb2
from padel_testkit import eventually, free_port, publish_event  # noqa: F401  (the notify tests import these from here)


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


def reply(handler: BaseHTTPRequestHandler, status: int, answer: dict) -> None:
    """Answers an HTTP stand-in's request with `answer` as JSON."""
    body = json.dumps(answer).encode()
    handler.send_response(status)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def serving(stand_in):
    """Runs an HTTP stand-in (its `server`) for a fixture's lifetime."""
    thread = threading.Thread(target=stand_in.server.serve_forever, daemon=True)
    thread.start()
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


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
                # A refusal echoes the number, as Twilio's does ("The 'To' number +92… is not valid").
                to = parse_qs(body).get("To", ["?"])[0]
                reply(self, status, {"sid": f"SM{uuid.uuid4().hex}"} if status < 400 else
                      {"code": 21211, "message": f"The 'To' number {to} is not a valid phone number."})

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
    yield from serving(Provider())


class FirebaseAccount:
    """A Firebase service account whose key is made here, and its token endpoint (the key file's
    `token_uri`): it checks each signed grant (JWT bearer, for Google's token audience) against the
    account's public key and issuer, records its claims, and issues access tokens living `lifetime`
    seconds ("fcm-access-1", "fcm-access-2", ...)."""

    def __init__(self, folder):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key = key.public_key()
        self.issued: list[str] = []
        self.grants: list[dict] = []  # the claims of each grant, as checked
        self.lifetime = 3600
        self.lock = threading.Lock()
        account = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers.get("content-length", 0))).decode())
                with account.lock:
                    reply(self, *account.grant(form))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.token_uri = f"http://127.0.0.1:{self.server.server_address[1]}/token"
        self.email = "fcm-sender@padel-firebase.iam.gserviceaccount.com"
        self.file = folder / "firebase-service-account.json"
        self.file.write_text(json.dumps({
            "type": "service_account", "project_id": "padel-firebase", "private_key_id": uuid.uuid4().hex,
            "private_key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode(),
            "client_email": self.email, "client_id": "1234567890", "token_uri": self.token_uri}))

    def grant(self, form: dict[str, list[str]]) -> tuple[int, dict]:
        import jwt

        try:
            assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
            claims = jwt.decode(form["assertion"][0], self.public_key, algorithms=["RS256"],
                                audience="https://oauth2.googleapis.com/token", issuer=self.email)
        except (AssertionError, KeyError, jwt.InvalidTokenError) as error:
            return 400, {"error": "invalid_grant", "error_description": f"Invalid JWT: {error!r}"}
        self.grants.append(claims)
        self.issued.append(f"fcm-access-{len(self.issued) + 1}")
        return 200, {"access_token": self.issued[-1], "expires_in": self.lifetime, "token_type": "Bearer"}


@pytest.fixture
def firebase(tmp_path):
    yield from serving(FirebaseAccount(tmp_path))


def publish(redis_client, service: str, message, event_id: str | None = None, *, wait: bool = False) -> str:
    """Adds an event to `padel.<service>.events` exactly as mesh's outbox relay writes it.

    With `wait`, returns once notify's consumer group has handled and acknowledged it: notify reads
    three streams, so without waiting a booking event may be handled before the preferences
    published just before it on another stream.
    """
    return publish_event(redis_client, f"padel.{service}.events", message, event_id,
                         handled_by="notify" if wait else None)


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


def stamp(value: dt.datetime) -> Timestamp:
    result = Timestamp()
    result.FromDatetime(value)
    return result


def snapshot(player_id: str, start: dt.datetime, *, venue="Padel Arena DHA", status=booking_pb2.BOOKING_STATUS_CONFIRMED,
             booking_id: str | None = None, participants=(), **more) -> booking_events.BookingSnapshot:
    """A booking event's snapshot; `more` sets further fields (venue_owner_id, player_name, ...)."""
    return booking_events.BookingSnapshot(
        booking_id=booking_id or str(uuid.uuid4()), venue_id=str(uuid.uuid4()), venue_name=venue,
        court_name="Court 1", court_id=str(uuid.uuid4()), player_id=player_id, participant_ids=participants,
        start_time=stamp(start),
        end_time=stamp(start + dt.timedelta(minutes=90)), time_zone="Asia/Karachi",
        price=booking_pb2.Money(amount_paisa=450000, currency="PKR"), status=status, **more)


def register(redis, user_id: str, email: str, phone: str = "") -> None:
    publish(redis, "auth", auth_events.UserRegistered(user_id=user_id, email=email, first_name="Ayesha",
                                                      last_name="Khan", phone=phone), wait=True)


def prefer(redis, user_id: str, channels, *, quiet: tuple[str, str] = ("", ""), language=user_pb2.LANGUAGE_EN,
           kinds=(user_pb2.NOTIFICATION_KIND_BOOKING_CONFIRMATIONS, user_pb2.NOTIFICATION_KIND_REMINDERS)) -> None:
    publish(redis, "user", user_events.PreferencesChanged(user_id=user_id, preferences=user_pb2.Preferences(
        language=language, channels=channels, kinds=kinds, quiet_hours_start=quiet[0], quiet_hours_end=quiet[1],
        time_zone="Asia/Karachi")), wait=True)


@pytest.fixture
def notify(start_service, notify_env, embedded_redis, token_issuer):
    """Starts notify (SQLite, embedded Redis) pointed at the stand-ins; returns a small handle."""

    class Handle:
        redis = embedded_redis
        admin = token_issuer.metadata(str(uuid.uuid4()), ("admin",))

        def start(self, **env):
            self.host, channel = start_service("notify", **{**notify_env, **env})
            self.stub = notify_service_pb2_grpc.NotifyServiceStub(channel)
            return self

        def stop(self):
            self.host.stop(0)

        def logs(self, **filters) -> list[notify_pb2.Delivery]:
            return list(self.stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(page_size=100, **filters),
                                                   metadata=self.admin).deliveries)

        def settled(self, user_id: str, count: int) -> list[notify_pb2.Delivery]:
            """The user's deliveries once `count` exist and none is queued any more."""
            def check():
                rows = self.logs(user_id=user_id)
                done = len(rows) >= count and all(r.status != notify_pb2.DELIVERY_STATUS_QUEUED for r in rows)
                return rows if done else None
            return eventually(check)

    return Handle().start()


@pytest.fixture
def embedded_redis():
    """The in-process Redis stand-in a server started in this process uses, emptied."""
    from mesh.redis import make_redis

    client = make_redis("")
    client.flushdb()
    return client
