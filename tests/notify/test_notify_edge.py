"""notify through the real Envoy edge (REST/JSON), on a platform whose notify sends to a real local SMTP server."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import uuid

import pytest
import requests
from aiosmtpd.controller import Controller
from icalendar import Calendar, Event
from padel_testkit import launch_platform, stop_platform
from fakeredis import TcpFakeServer
from notify_standins import Mailbox, free_port, eventually, publish
from padel.auth.v1 import events_pb2 as auth_events

from mesh.redis import make_redis

KARACHI = dt.timezone(dt.timedelta(hours=5))


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="module")
def streams():
    """A Redis stand-in the platform uses and the tests can publish into."""
    server = TcpFakeServer(("127.0.0.1", 0))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"redis://127.0.0.1:{server.server_address[1]}/0"
    client = make_redis(url)
    yield client
    client.close()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def edge(tmp_path_factory, mailbox, streams):
    """The whole platform, its notify pointed at the local SMTP server."""
    url = "redis://{host}:{port}/0".format(**streams.connection_pool.connection_kwargs)
    running = launch_platform(tmp_path_factory.mktemp("notify-edge"), PADEL_NOTIFY_SMTP_HOST="127.0.0.1",
                              PADEL_NOTIFY_SMTP_PORT=str(mailbox.port), PADEL_NOTIFY_POLL_SECONDS="0.1",
                              PADEL_REDIS_URL=url)
    yield running
    stop_platform(running)


def open_venue(edge, owner: str, *, address: str = "Clifton", phone: str = "") -> str:
    """A new venue open every day 08:00–23:00 that confirms bookings at once; its court's id."""
    week = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
    venue = requests.post(f"{edge.url}/api/bookings/venues", headers=edge.headers(owner, ("venue_owner",)), timeout=10,
                          json={"venue": {
        "name": f"Invite Padel {uuid.uuid4().hex[:6]}", "city": "Karachi", "address": address, "phone": phone,
        "location": {"latitude": 24.8, "longitude": 67.0}, "time_zone": "Asia/Karachi", "slot_minutes": 30,
        "opening_hours": [{"weekday": f"WEEKDAY_{day}", "open": "08:00", "close": "23:00"} for day in week],
        "durations_minutes": [60], "horizon_days": 14, "confirmation_mode": "CONFIRMATION_MODE_INSTANT",
        "cancellation_policy": {"free_until_hours": 24, "late_fee_percent": 25}, "max_live_bookings_per_day": 2,
        "base_hourly_price": {"amount_paisa": "600000", "currency": "PKR"}, "courts": [{"name": "Court 1"}]}})
    assert venue.status_code == 200, venue.text
    return venue.json()["venue"]["courts"][0]["court_id"]


def utc_text(day: dt.date, clock: str) -> str:
    """A Karachi wall-clock time on `day` as the UTC timestamp the REST API takes."""
    local = dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=KARACHI)
    return local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def book(edge, player: str, court: str, start: str) -> str:
    """The player books the court for an hour; the booking's id."""
    booked = requests.post(f"{edge.url}/api/bookings/book", headers=edge.headers(player), timeout=10, json={
        "court_id": court, "start_time": start, "duration_minutes": 60, "idempotency_key": uuid.uuid4().hex})
    assert booked.status_code == 200, booked.text
    return booked.json()["booking"]["booking_id"]


def register_account(edge, first: str, last: str) -> tuple[str, str]:
    """A new account registered through the edge: its user id and email."""
    address = f"{first.lower()}-{uuid.uuid4().hex[:8]}@example.pk"
    answer = requests.post(f"{edge.url}/api/auth/register", timeout=10, json={
        "email": address, "password": "Padel-Court-2026!", "first_name": first, "last_name": last})
    assert answer.status_code == 200, answer.text
    return answer.json()["account"]["user_id"], address


def test_a_verification_request_on_the_auth_stream_reaches_smtp(edge, mailbox, streams):
    """notify's half of registration, independent of auth: the event as auth publishes it."""
    token = "verify_" + uuid.uuid4().hex
    address = f"stream-{uuid.uuid4().hex[:8]}@example.pk"
    publish(streams, "auth", auth_events.EmailVerificationRequested(
        user_id=str(uuid.uuid4()), email=address, first_name="Fatima", token=token))
    mail = eventually(lambda: mailbox.to(address))[0]
    assert f"/verify-email?token={token}" in mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == "Verify your email for Padel Platform"


def test_register_then_verify_with_the_emailed_token(edge, mailbox):
    address = f"player-{uuid.uuid4().hex[:8]}@example.pk"
    registered = requests.post(f"{edge.url}/api/auth/register", json={
        "email": address, "password": "Padel-Court-2026!", "first_name": "Imran", "last_name": "Ali"}, timeout=10)
    assert registered.status_code == 200, registered.text

    mail = eventually(lambda: mailbox.to(address))[0]
    body = mail.get_body(("html",)).get_content()
    link = re.search(r'href="([^"]+)"', body).group(1)
    assert link in mail.get_body(("plain",)).get_content()  # the text part has the link written out
    token = re.search(r"[?&]token=([^&\"]+)", link).group(1)
    assert link.startswith(f"{edge.url}/verify-email?token=")  # links follow the edge's own port
    verified = requests.post(f"{edge.url}/api/auth/verify-email", json={"token": token}, timeout=10)
    assert verified.status_code == 200, verified.text


def test_inbox_templates_and_logs_over_rest(edge, streams):
    player, stranger, admin = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    as_admin = edge.headers(admin, ("admin",))
    unknown = requests.post(f"{edge.url}/api/notifications/send", headers=as_admin, timeout=10, json={
        "user_id": player, "channels": ["NOTIFICATION_CHANNEL_IN_APP"], "body": "Anyone there?"})
    assert unknown.status_code == 404, unknown.text  # notify has not heard of this user yet
    publish(streams, "auth", auth_events.UserRegistered(user_id=player, email=f"{player[:8]}@example.pk"), wait=True)
    sent = requests.post(f"{edge.url}/api/notifications/send", headers=as_admin, timeout=10, json={
        "user_id": player, "channels": ["NOTIFICATION_CHANNEL_IN_APP"],
        "subject": "Court 3 reopens", "body": "Court 3 is open again from Monday."})
    assert sent.status_code == 200, sent.text
    assert sent.json()["deliveries"][0]["status"] == "DELIVERY_STATUS_DELIVERED"
    denied = requests.post(f"{edge.url}/api/notifications/send", headers=edge.headers(player), timeout=10,
                           json={"user_id": player, "body": "hi"})
    assert denied.status_code == 403

    inbox = requests.get(f"{edge.url}/api/notifications/inbox", headers=edge.headers(player), timeout=10).json()
    assert [m["title"] for m in inbox["messages"]] == ["Court 3 reopens"] and inbox["unread_count"] == 1
    message_id = inbox["messages"][0]["message_id"]
    foreign = requests.post(f"{edge.url}/api/notifications/inbox/{message_id}/read", headers=edge.headers(stranger),
                            timeout=10)
    assert foreign.status_code == 404
    read = requests.post(f"{edge.url}/api/notifications/inbox/{message_id}/read", headers=edge.headers(player),
                         timeout=10)
    assert read.status_code == 200 and read.json()["message"]["read_at"]
    unread = requests.get(f"{edge.url}/api/notifications/inbox", params={"unread_only": "true"},
                          headers=edge.headers(player), timeout=10).json()
    assert unread["messages"] == [] and unread["unread_count"] == 0

    templates = requests.get(f"{edge.url}/api/notifications/templates", params={"kind": "booking_reminder"},
                             headers=edge.headers(player), timeout=10)
    assert templates.status_code == 200
    assert {(t["channel"], t["language"]) for t in templates.json()["templates"]} >= {
        ("NOTIFICATION_CHANNEL_EMAIL", "LANGUAGE_UR"), ("NOTIFICATION_CHANNEL_SMS", "LANGUAGE_EN")}
    bad = requests.put(f"{edge.url}/api/notifications/templates", headers=as_admin, timeout=10, json={"template": {
        "kind": "booking_reminder", "channel": "NOTIFICATION_CHANNEL_SMS", "language": "LANGUAGE_EN",
        "body": "{{ first_name }}, bring {{ racket_count }} rackets"}})
    assert bad.status_code == 400 and "template.body" in bad.text and "racket_count" in bad.text
    huge = requests.put(f"{edge.url}/api/notifications/templates", headers=as_admin, timeout=10, json={"template": {
        "kind": "booking_reminder", "channel": "NOTIFICATION_CHANNEL_SMS", "language": "LANGUAGE_EN",
        "body": '{{ ("a"*100000)*100000 }}'}})
    assert huge.status_code == 400 and "template.body" in huge.text and "repeating" in huge.text

    filters = {"user_id": player, "channel": "NOTIFICATION_CHANNEL_IN_APP", "status": "DELIVERY_STATUS_DELIVERED"}
    logs = requests.get(f"{edge.url}/api/notifications/logs", params=filters, headers=as_admin, timeout=10)
    assert logs.status_code == 200
    assert [d["channel"] for d in logs.json()["deliveries"]] == ["NOTIFICATION_CHANNEL_IN_APP"]
    assert requests.get(f"{edge.url}/api/notifications/logs", headers=edge.headers(player), timeout=10).status_code == 403

    metrics = requests.get(edge.metrics_url("notify"), timeout=5).text
    assert re.search(r'padel_notifications_sent_total\{channel="in_app",outcome="delivered"\} [1-9]', metrics)
    assert "padel_notification_queue_depth " in metrics


def test_a_booking_with_invited_players_reaches_their_inboxes(edge):
    """booking_svc's own events end to end: who is invited, who is told of the move, who is taken off,
    and who is added or taken off by a change of the list alone."""
    owner, player = (str(uuid.uuid4()) for _ in range(2))
    friend, other, late = (edge.known_player() for _ in range(3))  # invited players must exist
    court = open_venue(edge, owner)
    day = (dt.datetime.now(KARACHI) + dt.timedelta(days=3)).date()

    def at(clock: str) -> str:
        return utc_text(day, clock)

    booked = requests.post(f"{edge.url}/api/bookings/book", headers=edge.headers(player), timeout=10, json={
        "court_id": court, "start_time": at("18:00"), "duration_minutes": 60, "participant_ids": [friend],
        "idempotency_key": uuid.uuid4().hex})
    assert booked.status_code == 200, booked.text
    booking_id = booked.json()["booking"]["booking_id"]
    moved = requests.put(f"{edge.url}/api/bookings/bookings/{booking_id}", headers=edge.headers(player), timeout=10,
                         json={"start_time": at("20:00"), "participant_ids": [other],
                               "update_mask": "start_time,participant_ids"})
    assert moved.status_code == 200, moved.text

    def inbox(user_id: str, count: int) -> list[dict] | None:
        messages = requests.get(f"{edge.url}/api/notifications/inbox", headers=edge.headers(user_id),
                                timeout=10).json().get("messages", [])
        return list(reversed(messages)) if len(messages) >= count else None

    # An instant venue publishes BookingCreated and BookingConfirmed: the player hears one "Booking
    # confirmed" (not "received" too), the friend is invited once.
    assert [m["kind"] for m in eventually(lambda: inbox(player, 2))] == [
        "booking_confirmed", "booking_rescheduled"]
    # The venue's owner hears of the new booking and of its move (issue 12).
    told = eventually(lambda: inbox(owner, 2))
    assert [m["kind"] for m in told] == ["venue_booking_new", "venue_booking_rescheduled"]
    assert "18:00" in told[0]["title"] and "20:00" in told[1]["title"]
    assert [m["kind"] for m in eventually(lambda: inbox(friend, 2))] == ["booking_invitation",
                                                                                      "invitation_withdrawn"]
    [invitation] = eventually(lambda: inbox(other, 1))
    assert invitation["kind"] == "booking_invitation" and "20:00" in invitation["title"]

    # Only the list changes (no move): the added player is invited, then the removed one withdrawn.
    def invite(participants: list[str]) -> None:
        answer = requests.put(f"{edge.url}/api/bookings/bookings/{booking_id}", headers=edge.headers(player),
                              timeout=10, json={"participant_ids": participants, "update_mask": "participant_ids"})
        assert answer.status_code == 200, answer.text

    invite([other, late])
    [added] = eventually(lambda: inbox(late, 1))
    assert added["kind"] == "booking_invitation" and "20:00" in added["title"]
    invite([late])
    assert [m["kind"] for m in eventually(lambda: inbox(other, 2))] == ["booking_invitation",
                                                                                     "invitation_withdrawn"]
    assert [m["kind"] for m in inbox(late, 1)] == ["booking_invitation"]  # still on the list: told nothing new
    assert [m["kind"] for m in inbox(player, 2)] == ["booking_confirmed", "booking_rescheduled"]


def test_opting_out_of_booking_confirmations_never_silences_a_move_or_a_cancellation(edge):
    """Preferences through user_svc's REST, booking's real events: the confirmation is dropped, the
    move and the cancellation (money and time) still reach the player."""
    player = edge.known_player()
    court = open_venue(edge, str(uuid.uuid4()))
    day = (dt.datetime.now(KARACHI) + dt.timedelta(days=6)).date()
    changed = requests.put(f"{edge.url}/api/users/preferences", headers=edge.headers(player), timeout=10, json={
        "preferences": {"kinds": ["NOTIFICATION_KIND_REMINDERS"]}, "update_mask": "kinds"})
    assert changed.status_code == 200, changed.text

    def choices_reached_notify() -> bool:
        export = requests.get(f"{edge.url}/api/notifications/export", headers=edge.headers(player), timeout=10)
        return export.json().get("recipient", {}).get("kinds") == ["reminders"]

    eventually(choices_reached_notify)  # user_svc's stream and booking's are read apart
    booking_id = book(edge, player, court, utc_text(day, "10:00"))
    moved = requests.put(f"{edge.url}/api/bookings/bookings/{booking_id}", headers=edge.headers(player), timeout=10,
                         json={"start_time": utc_text(day, "12:00"), "update_mask": "start_time"})
    assert moved.status_code == 200, moved.text
    cancelled = requests.post(f"{edge.url}/api/bookings/bookings/{booking_id}/cancel", headers=edge.headers(player),
                              timeout=10, json={"reason": "rain"})
    assert cancelled.status_code == 200, cancelled.text

    def inbox() -> list[dict] | None:
        messages = requests.get(f"{edge.url}/api/notifications/inbox", headers=edge.headers(player),
                                timeout=10).json().get("messages", [])
        return list(reversed(messages)) if any(m["kind"] == "booking_cancelled" for m in messages) else None

    told = eventually(inbox)
    # booking's events reach notify in order: by the cancellation, the confirmation was handled too.
    assert [m["kind"] for m in told] == ["booking_rescheduled", "booking_cancelled"]
    assert "12:00" in told[0]["title"]


def test_an_instant_booking_emails_one_confirmation_with_the_game_for_the_calendar(edge, mailbox):
    player, address = register_account(edge, "Hamza", "Qureshi")
    court = open_venue(edge, str(uuid.uuid4()), address="Block 4, Clifton, Karachi", phone="+922135870001")
    day = (dt.datetime.now(KARACHI) + dt.timedelta(days=5)).date()
    eventually(lambda: mailbox.to(address))  # the verification email: notify knows the address
    booking_id = book(edge, player, court, utc_text(day, "19:00"))

    def booking_mails():
        return [m for m in mailbox.to(address) if m["Subject"].startswith("Booking")]

    [mail] = eventually(booking_mails)
    assert mail["Subject"].startswith("Booking confirmed")  # not "received" and "confirmed"
    text = mail.get_body(("plain",)).get_content()
    assert "Court 1" in text and mail.get_body(("html",)) is not None
    # Where to go and whom to call, as the owner gave them.
    assert "Address: Block 4, Clifton, Karachi." in text and "Venue phone: +922135870001." in text
    assert "+922135870001" in mail.get_body(("html",)).get_content()
    [ics] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(event["UID"]) == f"{booking_id}@padel-platform"
    assert str(event["LOCATION"]).endswith(", Block 4, Clifton, Karachi")
    assert "Venue phone: +922135870001" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == dt.datetime.fromisoformat(utc_text(day, "19:00").replace("Z", "+00:00"))
    time.sleep(0.5)
    assert len(booking_mails()) == 1


def test_a_player_subscribes_to_their_bookings_as_a_private_calendar_feed(edge):
    owner, player, stranger = (str(uuid.uuid4()) for _ in range(3))
    court = open_venue(edge, owner)
    day = (dt.datetime.now(KARACHI) + dt.timedelta(days=4)).date()
    mine = book(edge, player, court, utc_text(day, "09:00"))
    theirs = book(edge, stranger, court, utc_text(day, "11:00"))
    assert requests.post(f"{edge.url}/api/notifications/calendar-feed", json={}, timeout=10).status_code == 401

    def subscribe() -> str:
        answer = requests.post(f"{edge.url}/api/notifications/calendar-feed", headers=edge.headers(player), json={},
                               timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["feed_url"]

    def entries(url: str) -> dict[str, Event] | None:
        """The feed's events by UID, fetched as a calendar program does (no sign-in)."""
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/calendar")
        found = {str(e["UID"]): e for e in Calendar.from_ical(answer.content).walk("VEVENT")}
        return found or None

    first = subscribe()
    assert first.startswith(f"{edge.url}/api/notifications/calendar/") and first.endswith(".ics")
    events = eventually(lambda: entries(first))
    assert list(events) == [f"{mine}@padel-platform"]  # the stranger's booking is not in it
    assert events[f"{mine}@padel-platform"].decoded("DTSTART") == dt.datetime.fromisoformat(
        utc_text(day, "09:00").replace("Z", "+00:00"))
    assert f"{theirs}@padel-platform" not in events

    second = subscribe()  # rotated: the old URL is dead at once, the new one serves the same bookings
    assert second != first
    assert requests.get(first, timeout=10).status_code == 404
    assert list(entries(second)) == [f"{mine}@padel-platform"]
    bad = requests.get(f"{edge.url}/api/notifications/calendar/not-a-feed.ics", timeout=10)
    assert bad.status_code == 400 and "file_name" in bad.text


def test_push_devices_are_registered_used_and_removed_over_rest(edge, streams):
    player, stranger, admin = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    publish(streams, "auth", auth_events.UserRegistered(user_id=player, email=f"{player[:8]}@example.pk"), wait=True)
    phones = ["fcm-phone-one-" + uuid.uuid4().hex, "fcm-phone-two-" + uuid.uuid4().hex]

    def register(token: str, user_id: str = player) -> requests.Response:
        return requests.post(f"{edge.url}/api/notifications/devices", headers=edge.headers(user_id),
                             json={"token": token}, timeout=10)

    ids = [register(token).json()["device"]["device_id"] for token in phones]
    assert register(phones[0]).json()["device"]["device_id"] == ids[0]  # the same phone again: the same device
    bad = register("not a token")
    assert bad.status_code == 400 and "token" in bad.text

    def pushed() -> list[str]:
        sent = requests.post(f"{edge.url}/api/notifications/send", headers=edge.headers(admin, ("admin",)), timeout=10,
                             json={"user_id": player, "channels": ["NOTIFICATION_CHANNEL_PUSH"], "body": "Court 2 free"})
        assert sent.status_code == 200, sent.text
        return sorted(d["recipient"] for d in sent.json()["deliveries"])

    assert pushed() == sorted(f"{token[:4]}***{token[-2:]}" for token in phones)  # one per phone
    foreign = requests.delete(f"{edge.url}/api/notifications/devices/{ids[1]}", headers=edge.headers(stranger),
                              timeout=10)
    assert foreign.status_code == 404
    removed = requests.delete(f"{edge.url}/api/notifications/devices/{ids[1]}", headers=edge.headers(player),
                              timeout=10)
    assert removed.status_code == 200, removed.text
    assert pushed() == [f"{phones[0][:4]}***{phones[0][-2:]}"]


def test_a_connection_request_and_its_acceptance_reach_the_other_players_inbox(edge):
    """user_svc's ConnectionRequested and ConnectionAccepted, from two real registrations to the inboxes."""
    (asker, _), (asked, _) = register_account(edge, "Bilal", "Ahmed"), register_account(edge, "Sana", "Malik")

    def ask(whom: str) -> bool:  # once user_svc has made both profiles from auth's events
        return requests.post(f"{edge.url}/api/users/connections", headers=edge.headers(asker), timeout=10,
                             json={"user_id": whom}).status_code == 200

    def titles(user_id: str) -> list[str]:
        messages = requests.get(f"{edge.url}/api/notifications/inbox", headers=edge.headers(user_id),
                                timeout=10).json().get("messages", [])
        return [m["title"] for m in messages if m["kind"].startswith("connection_")]

    eventually(lambda: ask(asked))
    assert eventually(lambda: titles(asked)) == ["Bilal Ahmed wants to connect"]
    accepted = requests.post(f"{edge.url}/api/users/connections/{asker}/accept", headers=edge.headers(asked),
                             timeout=10)
    assert accepted.status_code == 200, accepted.text
    assert eventually(lambda: titles(asker)) == ["Sana Malik accepted your connection"]
    assert titles(asked) == ["Bilal Ahmed wants to connect"]  # nothing about their own acceptance

    # Connections are a kind of their own, on by default: a player who switches them off (match
    # invites kept) hears of no one asking to connect.
    (quiet, _) = register_account(edge, "Zara", "Sheikh")
    kinds = requests.get(f"{edge.url}/api/users/preferences", headers=edge.headers(quiet), timeout=10).json()
    assert "NOTIFICATION_KIND_CONNECTIONS" in kinds["preferences"]["kinds"]
    changed = requests.put(f"{edge.url}/api/users/preferences", headers=edge.headers(quiet), timeout=10, json={
        "preferences": {"kinds": ["NOTIFICATION_KIND_BOOKING_CONFIRMATIONS", "NOTIFICATION_KIND_MATCH_INVITES"]},
        "update_mask": "kinds"})
    assert changed.status_code == 200, changed.text
    eventually(lambda: ask(quiet))
    accepted = requests.post(f"{edge.url}/api/users/connections/{asker}/accept", headers=edge.headers(quiet),
                             timeout=10)
    assert accepted.status_code == 200, accepted.text
    # user_svc's events reach notify in order: once the acceptance is told, the request was handled.
    assert eventually(lambda: len(titles(asker)) == 2 and titles(asker))[0] == \
        "Zara Sheikh accepted your connection"
    assert titles(quiet) == []
