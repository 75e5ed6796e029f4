"""Two platforms on one machine: one on the README's default ports, one on another block (the
session's `platform`, started with each server's PADEL_*_PORT and nothing else, as a user would).
Each edge answers with its own platform: its status lists its own services, a player registered on
one is unknown to the other, grpcurl works through each, and its emails link to its own edge.

The only test that takes the default ports: nothing else of the suite may be running on them.
"""

import email
import email.policy
import json
import pathlib
import subprocess
import sys
import time
import uuid

import pytest
import requests

from mesh.settings import SERVICES
from padel_testkit import launch_platform, stop_platform

GRPCURL = str(pathlib.Path(sys.executable).parent / "grpcurl")
PASSWORD = "two platforms, one machine"


# Session-scoped like `platform`, and named first where both are used, so that when neither runs
# yet the one on the defaults starts first (the other then finds the default ports taken).
@pytest.fixture(scope="session")
def on_defaults(tmp_path_factory):
    running = launch_platform(tmp_path_factory.mktemp("defaults"), default_ports=True)
    yield running
    stop_platform(running)


@pytest.fixture
def both(on_defaults, platform):
    assert on_defaults.edge == "127.0.0.1:3000" and platform.edge != on_defaults.edge
    return on_defaults, platform


def own_services(running) -> dict[str, str]:
    return {name: running.address(name) for name in SERVICES}


def test_each_edge_reports_the_status_of_its_own_services(both):
    for running in both:
        status = requests.get(f"{running.url}/api/status", timeout=10).json()
        assert {s["name"]: s["address"] for s in status["services"]} == own_services(running), running.edge
        assert all(s["health"] == "SERVING" for s in status["services"]), status


def test_grpcurl_through_each_edge_reaches_its_own_directory(both):
    for running in both:
        listed = subprocess.run([GRPCURL, "-plaintext", running.edge, "list"], capture_output=True, text=True,
                                timeout=20)
        assert "padel.booking.v1.BookingService" in listed.stdout.split(), listed.stderr
        answer = subprocess.run([GRPCURL, "-plaintext", running.edge, "padel.status.v1.StatusService/GetStatus"],
                                capture_output=True, text=True, timeout=20)
        assert answer.returncode == 0, answer.stderr
        services = json.loads(answer.stdout)["services"]
        assert {s["name"]: s["address"] for s in services} == own_services(running), running.edge


def test_a_player_registered_on_one_platform_is_unknown_on_the_other(both):
    here, there = both
    address = f"player-{uuid.uuid4().hex[:10]}@example.com"
    registered = requests.post(f"{here.url}/api/auth/register", timeout=10, json={
        "email": address, "password": PASSWORD, "first_name": "Ayesha", "last_name": "Malik"})
    assert registered.status_code == 200, registered.text
    login = {"email": address, "password": PASSWORD}
    assert requests.post(f"{here.url}/api/auth/login", json=login, timeout=10).status_code == 200
    elsewhere = requests.post(f"{there.url}/api/auth/login", json=login, timeout=10)
    assert elsewhere.status_code == 401, elsewhere.text


def verification_email(running, address: str) -> str:
    """The text of the verification email sent to `address`, from the platform's outbox folder."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in (running.data_dir / "outbox").glob("*-email-*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]):
                return "\n".join(part.get_content() for part in message.walk()
                                 if part.get_content_maintype() == "text")
        time.sleep(0.2)
    pytest.fail(f"no email to {address} in {running.data_dir / 'outbox'}")


def test_links_in_emails_point_at_the_platforms_own_edge(both):
    for running in both:
        address = f"player-{uuid.uuid4().hex[:10]}@example.com"
        registered = requests.post(f"{running.url}/api/auth/register", timeout=10, json={
            "email": address, "password": PASSWORD, "first_name": "Bilal", "last_name": "Raza"})
        assert registered.status_code == 200, registered.text
        text = verification_email(running, address)
        assert f"{running.url}/" in text and "127.0.0.1:" in text, text
        other_edges = {p.url for p in both} - {running.url}
        assert not any(f"{url}/" in text for url in other_edges), text
