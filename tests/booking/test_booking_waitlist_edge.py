"""The waitlist over REST through the real Envoy edge: a cancellation's freed slot reaches the first
player in line through booking_svc's own event (the consumer), who accepts it as their booking."""

import time

import requests

from booking_testkit import iso, local_day
from test_booking_edge import TIMEOUT, book, create_venue, free_starts, new_user


def entries(platform, player: str) -> list[dict]:
    answer = requests.get(f"{platform.url}/api/bookings/waitlist", headers=platform.headers(player), timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json().get("entries", [])


def offered(platform, player: str) -> dict:
    """The player's entry once the consumer has offered them the freed slot (it handles the event
    within moments of the commit)."""
    for _ in range(100):
        [entry] = entries(platform, player)
        if entry["state"] == "offered":
            return entry
        time.sleep(0.1)
    raise AssertionError(f"no offer reached the player: {entry}")


def test_a_cancelled_slot_is_offered_to_the_first_in_line_who_accepts_it(platform):
    owner, holder, first, second = new_user(), new_user(), new_user(), new_user()
    venue = create_venue(platform, owner)
    court, day = venue["courts"][0]["court_id"], local_day(4)
    taken = book(platform, holder, court, day, "20:00")
    assert taken.status_code == 200, taken.text
    for player in (first, second):
        joined = requests.post(f"{platform.url}/api/bookings/waitlist", headers=platform.headers(player),
                               timeout=TIMEOUT, json={"venue_id": venue["venue_id"], "window_start": iso(day, "19:00"),
                                                      "window_end": iso(day, "22:00"), "duration_minutes": 60})
        assert joined.status_code == 200, joined.text
        assert joined.json()["entry"]["state"] == "waiting"
    bad = requests.post(f"{platform.url}/api/bookings/waitlist", headers=platform.headers(first), timeout=TIMEOUT,
                        json={"venue_id": venue["venue_id"], "window_start": iso(day, "21:00"),
                              "window_end": iso(day, "19:00"), "duration_minutes": 60})
    assert bad.status_code == 400 and "window_end" in bad.json()["message"]

    cancelled = requests.post(f"{platform.url}/api/bookings/bookings/{taken.json()['booking']['booking_id']}/cancel",
                              headers=platform.headers(holder), json={}, timeout=TIMEOUT)
    assert cancelled.status_code == 200, cancelled.text
    entry = offered(platform, first)
    assert entry["offer"]["start_time"] == iso(day, "20:00") and entry["offer"]["state"] == "open"
    assert [e["state"] for e in entries(platform, second)] == ["waiting"]
    assert "20:00" not in free_starts(platform, venue["venue_id"], day)[court]  # held for the first in line
    assert book(platform, new_user(), court, day, "20:00").status_code == 409

    stolen = requests.post(f"{platform.url}/api/bookings/waitlist/offers/{entry['offer']['offer_id']}/accept",
                           headers=platform.headers(second), timeout=TIMEOUT)
    assert stolen.status_code == 404
    accepted = requests.post(f"{platform.url}/api/bookings/waitlist/offers/{entry['offer']['offer_id']}/accept",
                             headers=platform.headers(first), timeout=TIMEOUT)
    assert accepted.status_code == 200, accepted.text
    booking = accepted.json()["booking"]
    assert (booking["player_id"], booking["status"], booking["local_start"]) == (
        first, "BOOKING_STATUS_CONFIRMED", "20:00")
    assert entries(platform, first) == []

    left = requests.delete(f"{platform.url}/api/bookings/waitlist/{entries(platform, second)[0]['entry_id']}",
                           headers=platform.headers(second), timeout=TIMEOUT)
    assert left.status_code == 200 and entries(platform, second) == []
