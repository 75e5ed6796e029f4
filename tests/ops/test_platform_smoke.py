"""The operator's first minute: the platform answers at the edge, per service, and in metrics."""

import json
import subprocess
import sys
import pathlib

import requests
from padel_testkit import eventually
from prometheus_client.parser import text_string_to_metric_families

from mesh.settings import SERVICES

GRPCURL = str(pathlib.Path(sys.executable).parent / "grpcurl")


def grpcurl(*args: str) -> str:
    return subprocess.run([GRPCURL, "-plaintext", *args], capture_output=True, text=True, check=True, timeout=20).stdout


def test_health_and_status_through_the_edge(platform):
    health = requests.get(f"{platform.url}/health", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    status = requests.get(f"{platform.url}/api/status", timeout=5).json()
    assert [s["name"] for s in status["services"]] == list(SERVICES)
    assert all(s["health"] == "SERVING" and s["version"] for s in status["services"]), status


def test_grpcurl_lists_and_checks_each_service_and_the_edge(platform):
    for service, full_name in [("auth", "padel.auth.v1.AuthService"), ("user", "padel.user.v1.UserService"),
                               ("booking", "padel.booking.v1.BookingService"), ("notify", "padel.notify.v1.NotifyService"),
                               ("match", "padel.match.v1.MatchService")]:
        listed = grpcurl(platform.address(service), "list").split()
        assert {full_name, "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"} <= set(listed)
        assert json.loads(grpcurl(platform.address(service), "grpc.health.v1.Health/Check"))["status"] == "SERVING"
    through_edge = set(grpcurl(platform.edge, "list").split())
    assert {"padel.auth.v1.AuthService", "padel.booking.v1.BookingService", "grpc.health.v1.Health"} <= through_edge
    assert json.loads(grpcurl(platform.edge, "grpc.health.v1.Health/Check"))["status"] == "SERVING"
    checked = grpcurl("-d", '{"service": "padel.booking.v1.BookingService"}', platform.edge, "grpc.health.v1.Health/Check")
    assert json.loads(checked)["status"] == "SERVING"


def test_grpcurl_describes_methods_and_messages_with_the_proto_comments(platform):
    """At a service, at the edge directory and through the edge: the contract's own text."""
    for address in (platform.address("booking"), platform.directory, platform.edge):
        method = grpcurl(address, "describe", "padel.booking.v1.BookingService.Book")
        assert "rpc Book ( .padel.booking.v1.BookRequest ) returns ( .padel.booking.v1.BookResponse )" in method
        assert "// Book holds a court for the caller; the same idempotency key returns the same booking." in method
        service = grpcurl(address, "describe", "padel.booking.v1.BookingService")
        assert "// BookingService sells court time" in service
        assert "grpc.health.v1.Health is a service" in grpcurl(address, "describe", "grpc.health.v1.Health")
    message = grpcurl(platform.edge, "describe", "padel.auth.v1.LoginRequest")
    assert "// LoginRequest carries the credentials." in message and "// email is the sign-in address." in message


def test_metrics_count_the_calls_just_made(platform):
    before = _handled(platform, "auth", "GetJwks")
    grpcurl(platform.address("auth"), "padel.auth.v1.AuthService/GetJwks")
    requests.get(f"{platform.url}/api/auth/jwks", timeout=5)
    assert _handled(platform, "auth", "GetJwks") == before + 2


# The consumer groups reading each service's stream (each service's consumers.py); notify publishes nothing.
READERS = {"auth": {"booking", "match", "notify", "payment", "user"},
           "user": {"notify"},
           "booking": {"booking", "match", "notify", "payment", "user"},
           "payment": {"booking", "notify"},
           "match": {"booking", "notify", "user"}}


def test_every_service_exports_its_outbox_backlog_and_its_readers_lag(platform):
    """What an operator watches for stuck events (mesh.relay.EventBacklog), from each real metrics port:
    every service's unrelayed outbox rows, and per publishing service each reader's lag and pending."""
    for service in SERVICES:
        [backlog] = _samples(platform, service)["padel_outbox_unpublished_events"]
        assert backlog.value >= 0, service
    for service, readers in READERS.items():
        def read_by_all(service=service, readers=readers):  # a group exists once its consumer started
            exported = _samples(platform, service)
            return exported if _groups(exported, "padel_consumer_lag", service) >= readers else None

        exported = eventually(read_by_all)
        assert _groups(exported, "padel_consumer_pending", service) >= readers, service


def _samples(platform, service: str) -> dict[str, list]:
    text = requests.get(platform.metrics_url(service), timeout=5).text
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def _groups(exported: dict[str, list], family: str, service: str) -> set[str]:
    """The consumer groups `family` has a sample of for the service's stream."""
    return {s.labels["consumer_group"] for s in exported[family] if s.labels["stream"] == f"padel.{service}.events"}


def _handled(platform, service: str, method: str) -> float:
    text = requests.get(platform.metrics_url(service), timeout=5).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith("grpc_server_handled_total{") and f'grpc_method="{method}"' in line \
                and 'grpc_code="OK"' in line and 'grpc_type="unary"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_unknown_path_is_404_json(platform):
    for headers in ({}, platform.headers()):
        answer = requests.get(f"{platform.url}/api/no-such-thing", headers=headers, timeout=5)
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("application/json")
        assert answer.json()["code"] == 5 and answer.json()["message"]  # google.rpc.Status shape: NOT_FOUND


def test_bad_input_is_400_naming_the_field(platform):
    answer = requests.post(f"{platform.url}/api/auth/register", json={"email": "not-an-email", "password": "x"}, timeout=5)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert "email" in body["message"] and "password" in body["message"]
    violations = [d for d in body["details"] if d["@type"].endswith("google.rpc.BadRequest")]
    assert {v["field"] for v in violations[0]["field_violations"]} >= {"email", "password"}
