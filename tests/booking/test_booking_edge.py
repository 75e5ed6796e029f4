"""Booking over REST/JSON through the real Envoy edge (`platform`: SQLite, Redis stand-in)."""

import datetime as dt
import threading
import uuid
from concurrent import futures

import pytest
import requests

from booking_testkit import iso, local_day, platform_headers
from padel_testkit import eventually

TIMEOUT = 10


def new_user() -> str:
    return str(uuid.uuid4())


def a_venue(**overrides) -> dict:
    venue = {
        "name": f"Edge Padel {uuid.uuid4().hex[:6]}", "city": "Karachi", "address": "Shahrah-e-Faisal",
        "location": {"latitude": 24.87, "longitude": 67.08}, "time_zone": "Asia/Karachi",
        "opening_hours": [{"weekday": w, "open": "08:00", "close": "23:00"} for w in
                          ("WEEKDAY_MONDAY", "WEEKDAY_TUESDAY", "WEEKDAY_WEDNESDAY", "WEEKDAY_THURSDAY",
                           "WEEKDAY_FRIDAY", "WEEKDAY_SATURDAY", "WEEKDAY_SUNDAY")],
        "slot_minutes": 30, "durations_minutes": [60, 90, 120],
        "cancellation_policy": {"free_until_hours": 720, "late_fee_percent": 25, "grace_minutes": 0},
        "horizon_days": 14, "confirmation_mode": "CONFIRMATION_MODE_INSTANT", "max_live_bookings_per_day": 2,
        "base_hourly_price": {"amount_paisa": "600000", "currency": "PKR"},
        "courts": [{"name": "Court 1", "environment": "COURT_ENVIRONMENT_INDOOR"}, {"name": "Court 2"}],
    }
    return {**venue, **overrides}


def create_venue(platform, owner: str, **overrides) -> dict:
    answer = requests.post(f"{platform.url}/api/bookings/venues", json={"venue": a_venue(**overrides)},
                           headers=platform.headers(owner, roles=("venue_owner",)), timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()["venue"]


def free_starts(platform, venue_id: str, day, duration=60) -> dict[str, list[str]]:
    answer = requests.get(f"{platform.url}/api/bookings/availability", timeout=TIMEOUT,
                          params={"venue_id": venue_id, "date": day.isoformat(), "duration_minutes": duration})
    assert answer.status_code == 200, answer.text
    return {c["court"]["court_id"]: [s["local_start"] for s in c["slots"]] for c in answer.json()["courts"]}


def inbox(platform, user: str, count: int) -> list[dict]:
    """The user's in-app messages, oldest first, once at least `count` arrived (events take a moment)."""
    def arrived() -> list[dict] | None:
        answer = requests.get(f"{platform.url}/api/notifications/inbox", headers=platform.headers(user), timeout=TIMEOUT)
        messages = list(reversed(answer.json().get("messages", [])))
        return messages if len(messages) >= count else None
    return eventually(arrived, f"{count} messages for {user}")


def told(platform, user: str, kind: str) -> dict:
    """The user's in-app message of `kind`, once it arrived (events take a moment)."""
    def arrived() -> dict | None:
        answer = requests.get(f"{platform.url}/api/notifications/inbox", headers=platform.headers(user), timeout=TIMEOUT)
        return next((m for m in answer.json().get("messages", []) if m["kind"] == kind), None)
    return eventually(arrived, f"{kind} for {user}")


def book(platform, player: str, court_id: str, day, clock: str, duration=60, key=None):
    return requests.post(f"{platform.url}/api/bookings/book", headers=platform_headers(platform, player), timeout=TIMEOUT,
                         json={"court_id": court_id, "start_time": iso(day, clock), "duration_minutes": duration,
                               "idempotency_key": key or uuid.uuid4().hex})


def test_owner_sets_up_and_a_player_books_reschedules_and_cancels_over_rest(platform):
    owner, player = new_user(), new_user()
    venue = create_venue(platform, owner)
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    prices = requests.put(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/prices", headers=owner_headers,
                          timeout=TIMEOUT, json={"base_hourly_price": {"amount_paisa": "600000", "currency": "PKR"},
                                                 "rules": [{"start": "18:00", "end": "23:00",
                                                            "hourly_price": {"amount_paisa": "800000"}}]})
    assert prices.status_code == 200, prices.text
    # %20, not "+": Envoy's transcoder keeps a "+" in a query string as a plus sign.
    query = venue["name"].replace(" ", "%20")
    found = requests.get(f"{platform.url}/api/bookings/venues?city=KARACHI&query={query}", timeout=TIMEOUT).json()["venues"]
    assert [v["venue_id"] for v in found] == [venue["venue_id"]]

    court, day = venue["courts"][0]["court_id"], local_day(3)
    assert "19:00" in free_starts(platform, venue["venue_id"], day)[court]
    made = book(platform, player, court, day, "19:00")
    assert made.status_code == 200, made.text
    booking = made.json()["booking"]
    assert booking["status"] == "BOOKING_STATUS_CONFIRMED" and booking["price"]["amount_paisa"] == "800000"
    assert "19:00" not in free_starts(platform, venue["venue_id"], day)[court]
    metrics = requests.get(platform.metrics_url("booking"), timeout=TIMEOUT).text
    assert f'padel_bookings_created_total{{venue_id="{venue["venue_id"]}"}} 1.0' in metrics
    assert f'padel_booking_revenue_paisa_total{{venue_id="{venue["venue_id"]}"}} 800000.0' in metrics

    moved = requests.put(f"{platform.url}/api/bookings/bookings/{booking['booking_id']}", headers=platform.headers(player),
                         timeout=TIMEOUT, json={"start_time": iso(day, "12:00"), "update_mask": "start_time"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["booking"]["local_start"] == "12:00" and moved.json()["booking"]["price"]["amount_paisa"] == "600000"
    free = free_starts(platform, venue["venue_id"], day)[court]
    assert "19:00" in free and "12:00" not in free

    mine = requests.get(f"{platform.url}/api/bookings/bookings", headers=platform.headers(player), timeout=TIMEOUT)
    assert [b["booking_id"] for b in mine.json()["bookings"]] == [booking["booking_id"]]
    cancelled = requests.post(f"{platform.url}/api/bookings/bookings/{booking['booking_id']}/cancel",
                              headers=platform.headers(player), json={"reason": "injury"}, timeout=TIMEOUT)
    assert cancelled.status_code == 200, cancelled.text
    cancellation = cancelled.json()["booking"]["cancellation"]
    assert cancellation["fee"]["amount_paisa"] == "150000" and cancellation["fee_due_at_venue"] is True
    # Paid at the venue: the player reads the fee due there, not a "refund" of money they never paid (issue 12).
    cancelled_message = inbox(platform, player, 3)[-1]
    assert cancelled_message["kind"] == "booking_cancelled"
    assert cancelled_message["body"].endswith("was cancelled (injury). Cancellation fee: Rs 1,500, due at the venue.")
    metrics = requests.get(platform.metrics_url("booking"), timeout=TIMEOUT).text
    assert f'padel_bookings_cancelled_total{{reason="player",venue_id="{venue["venue_id"]}"}} 1.0' in metrics
    # Net revenue is what the venue keeps: Rs 8,000 counted, Rs 2,000 given back by the move to a
    # cheaper hour and Rs 4,500 by the cancellation; the Rs 1,500 fee remains.
    assert f'padel_booking_refunded_paisa_total{{venue_id="{venue["venue_id"]}"}} 650000.0' in metrics
    assert player not in metrics
    again = requests.post(f"{platform.url}/api/bookings/bookings/{booking['booking_id']}/cancel",
                          headers=platform.headers(player), json={}, timeout=TIMEOUT)
    assert again.status_code == 400 and again.json()["message"] == "cannot go from cancelled to cancelled"


@pytest.mark.slow
def test_fifty_clients_racing_for_one_slot_through_the_edge_get_one_booking(platform):
    venue = create_venue(platform, new_user())
    court, day = venue["courts"][0]["court_id"], local_day(5)
    barrier = threading.Barrier(50)

    def attempt(_):
        barrier.wait()
        answer = book(platform, new_user(), court, day, "20:00", duration=90)
        return answer.status_code, answer.json()

    with futures.ThreadPoolExecutor(50) as pool:
        outcomes = list(pool.map(attempt, range(50)))
    assert sorted(code for code, _ in outcomes) == [200] + [409] * 49, outcomes
    assert all(body["message"] == "this slot was just taken; choose another time" for code, body in outcomes if code == 409)
    assert "20:00" not in free_starts(platform, venue["venue_id"], day, 90)[court]


def test_idempotent_retry_over_rest(platform):
    venue = create_venue(platform, new_user())
    player, court, day, key = new_user(), venue["courts"][0]["court_id"], local_day(2), uuid.uuid4().hex
    first, second = book(platform, player, court, day, "10:00", key=key), book(platform, player, court, day, "10:00", key=key)
    assert first.status_code == second.status_code == 200
    assert first.json()["booking"]["booking_id"] == second.json()["booking"]["booking_id"]
    changed = book(platform, player, court, day, "14:00", key=key)
    assert changed.status_code == 409 and "idempotency key" in changed.json()["message"]


def test_another_owner_gets_403_and_a_player_cannot_create_venues(platform):
    venue = create_venue(platform, new_user())
    intruder = platform.headers(new_user(), roles=("venue_owner",))
    answer = requests.put(f"{platform.url}/api/bookings/venues/{venue['venue_id']}", headers=intruder, timeout=TIMEOUT,
                          json={"venue": {"name": "Taken over"}, "update_mask": "name"})
    assert answer.status_code == 403
    answer = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/courts", headers=intruder,
                           timeout=TIMEOUT, json={"court": {"name": "Extra"}})
    assert answer.status_code == 403
    answer = requests.post(f"{platform.url}/api/bookings/venues", json={"venue": a_venue()},
                           headers=platform.headers(new_user()), timeout=TIMEOUT)
    assert answer.status_code == 403
    assert requests.post(f"{platform.url}/api/bookings/venues", json={"venue": a_venue()}, timeout=TIMEOUT).status_code == 401


def test_the_owner_gives_the_venue_a_phone_players_see_and_a_malformed_one_is_400(platform):
    owner = new_user()
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    refused = requests.post(f"{platform.url}/api/bookings/venues", headers=owner_headers, timeout=TIMEOUT,
                            json={"venue": a_venue(phone="021-3587-0001")})
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"].endswith(
        "venue.phone: must be a Pakistani phone number: +92 and 10 digits, e.g. +922134567890")
    venue = create_venue(platform, owner, phone="+922135870001")
    seen = requests.get(f"{platform.url}/api/bookings/venues/{venue['venue_id']}", timeout=TIMEOUT)  # no sign-in
    assert seen.json()["venue"]["phone"] == "+922135870001"

    def change(phone: str) -> requests.Response:
        return requests.put(f"{platform.url}/api/bookings/venues/{venue['venue_id']}", headers=owner_headers,
                            timeout=TIMEOUT, json={"venue": {"phone": phone}, "update_mask": "phone"})

    assert change("+924235550100").json()["venue"]["phone"] == "+924235550100"
    assert change("+92423555010").status_code == 400  # one digit short
    assert change("").json()["venue"].get("phone", "") == ""  # taken off


@pytest.mark.parametrize("params, field", [
    ({"date": "2030-02-30", "duration_minutes": 60}, "date"),
    ({"date": "next friday", "duration_minutes": 60}, "date"),
    ({"date": "TODAY", "duration_minutes": 45}, "duration_minutes"),
])
def test_bad_availability_queries_are_400_naming_the_field(platform, params, field):
    venue = create_venue(platform, new_user())
    if params["date"] == "TODAY":
        params = {**params, "date": local_day(1).isoformat()}
    answer = requests.get(f"{platform.url}/api/bookings/availability", timeout=TIMEOUT,
                          params={"venue_id": venue["venue_id"], **params})
    assert answer.status_code == 400 and field in answer.json()["message"], answer.text


def test_a_start_off_the_grid_is_400_naming_the_field(platform):
    venue = create_venue(platform, new_user())
    answer = book(platform, new_user(), venue["courts"][0]["court_id"], local_day(2), "10:10")
    assert answer.status_code == 400
    assert answer.json()["message"] == "start_time: is not on the venue's 30-minute grid"


def test_past_midnight_booking_over_rest(platform):
    hours = [{"weekday": w, "open": "18:00", "close": "03:00"} for w in range(1, 8)]
    venue = create_venue(platform, new_user(), opening_hours=hours)
    court, day = venue["courts"][0]["court_id"], local_day(2)
    assert free_starts(platform, venue["venue_id"], day)[court][-1] == "02:00"
    made = book(platform, new_user(), court, day + dt.timedelta(days=1), "01:00")
    assert made.status_code == 200, made.text
    assert "01:00" not in free_starts(platform, venue["venue_id"], day)[court]


def test_a_newcomer_finds_a_demo_venue_and_books_it(platform):
    """`make run` seeds demo venues (booking_svc.seed); the README's curl session in test form."""
    venues = requests.get(f"{platform.url}/api/bookings/venues", params={"city": "Karachi"}, timeout=TIMEOUT).json()["venues"]
    demo = next(v for v in venues if v["name"] == "Clifton Padel Club")
    assert len(demo["courts"]) == 3 and demo["owner_id"] == "00000000-0000-4000-a000-00000000d3e0"
    day = local_day(6)
    answer = requests.get(f"{platform.url}/api/bookings/availability", timeout=TIMEOUT,
                          params={"venue_id": demo["venue_id"], "date": day.isoformat(), "duration_minutes": 90})
    court = answer.json()["courts"][-1]
    slot = next(s for s in court["slots"] if s["local_start"] == "17:30")
    assert slot["price"] == {"amount_paisa": "1100000", "currency": "PKR"}  # 30 min at Rs 6,000/h + 60 at Rs 8,000/h
    made = requests.post(f"{platform.url}/api/bookings/book", headers=platform.headers(), timeout=TIMEOUT,
                         json={"court_id": court["court"]["court_id"], "start_time": slot["start_time"],
                               "duration_minutes": 90, "idempotency_key": uuid.uuid4().hex})
    assert made.status_code == 200 and made.json()["booking"]["price"]["amount_paisa"] == "1100000"
    lahore = requests.get(f"{platform.url}/api/bookings/venues", params={"city": "lahore"}, timeout=TIMEOUT).json()["venues"]
    night = next(v for v in lahore if v["name"] == "Gulberg Night Padel")
    starts = requests.get(f"{platform.url}/api/bookings/availability", timeout=TIMEOUT, params={
        "venue_id": night["venue_id"], "date": day.isoformat(), "duration_minutes": 60}).json()["courts"][0]["slots"]
    assert starts[-1]["local_start"] == "02:00"
