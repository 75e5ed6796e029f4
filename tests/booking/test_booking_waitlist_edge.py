"""The waitlist over REST through the real Envoy edge: a cancellation's freed slot reaches the first
player in line through booking_svc's own event (the consumer), who accepts it as their booking; on the
platform's test clock, an offer the first lets run out passes to the second (booking's job), each told
by their inbox; a player waits for at most ten slots at once."""

import datetime as dt
import time

import requests

from booking_testkit import iso, local_day
from test_booking_edge import TIMEOUT, book, create_venue, free_starts, inbox, new_user


def entries(platform, player: str) -> list[dict]:
    answer = requests.get(f"{platform.url}/api/bookings/waitlist", headers=platform.headers(player), timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json().get("entries", [])


def offered(platform, player: str) -> dict:
    """The player's entry once the consumer (or the job) has offered them the freed slot (within
    moments of the commit, or of the clock passing the previous offer's window)."""
    for _ in range(100):
        [entry] = entries(platform, player)
        if entry["state"] == "offered":
            return entry
        time.sleep(0.1)
    raise AssertionError(f"no offer reached the player: {entry}")


def join(platform, player: str, venue_id: str, day) -> None:
    joined = requests.post(f"{platform.url}/api/bookings/waitlist", headers=platform.headers(player),
                           timeout=TIMEOUT, json={"venue_id": venue_id, "window_start": iso(day, "19:00"),
                                                  "window_end": iso(day, "22:00"), "duration_minutes": 60})
    assert joined.status_code == 200, joined.text


def accept(platform, player: str, offer_id: str) -> requests.Response:
    return requests.post(f"{platform.url}/api/bookings/waitlist/offers/{offer_id}/accept",
                         headers=platform.headers(player), timeout=TIMEOUT)


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


def test_an_offer_the_first_in_line_lets_run_out_passes_to_the_second_who_accepts_it(platform):
    owner, holder, first, second = new_user(), new_user(), new_user(), new_user()
    venue = create_venue(platform, owner)
    venue_id, court, day = venue["venue_id"], venue["courts"][0]["court_id"], local_day(5)
    terms = requests.put(f"{platform.url}/api/bookings/venues/{venue_id}/terms", timeout=TIMEOUT,
                         headers=platform.headers(owner, roles=("venue_owner",)),
                         json={"terms": {"series_horizon_days": 30, "max_series_per_player": 2,
                                         "waitlist_offer_minutes": 10}})
    assert terms.status_code == 200, terms.text
    taken = book(platform, holder, court, day, "20:00")
    assert taken.status_code == 200, taken.text
    join(platform, first, venue_id, day)
    join(platform, second, venue_id, day)

    cancelled = requests.post(f"{platform.url}/api/bookings/bookings/{taken.json()['booking']['booking_id']}/cancel",
                              headers=platform.headers(holder), json={}, timeout=TIMEOUT)
    assert cancelled.status_code == 200, cancelled.text
    first_offer = offered(platform, first)["offer"]
    assert [m["kind"] for m in inbox(platform, first, 1)] == ["waitlist_offered"]
    assert [e["state"] for e in entries(platform, second)] == ["waiting"]
    unread = requests.get(f"{platform.url}/api/notifications/inbox", headers=platform.headers(second), timeout=TIMEOUT)
    assert unread.json().get("messages", []) == []  # nothing offered to the second

    # Eleven minutes on: the first's ten-minute window ran out (booking's job expires it within a second).
    later = dt.datetime.fromisoformat(first_offer["expires_at"].replace("Z", "+00:00")) + dt.timedelta(minutes=1)
    with platform.clock_at(later):
        second_offer = offered(platform, second)["offer"]
        assert second_offer["offer_id"] != first_offer["offer_id"]
        assert second_offer["start_time"] == iso(day, "20:00")
        assert [m["kind"] for m in inbox(platform, first, 2)] == ["waitlist_offered", "waitlist_offer_expired"]
        assert [m["kind"] for m in inbox(platform, second, 1)] == ["waitlist_offered"]
        assert [e["state"] for e in entries(platform, first)] == ["waiting"]  # still in line, for other slots

        too_late = accept(platform, first, first_offer["offer_id"])
        assert too_late.status_code == 400 and too_late.json()["message"] == "this offer is no longer open"
        accepted = accept(platform, second, second_offer["offer_id"])
        assert accepted.status_code == 200, accepted.text
    booking = accepted.json()["booking"]
    assert (booking["player_id"], booking["status"], booking["local_start"]) == (
        second, "BOOKING_STATUS_CONFIRMED", "20:00")
    mine = requests.get(f"{platform.url}/api/bookings/bookings/{booking['booking_id']}",
                        headers=platform.headers(second), timeout=TIMEOUT)
    assert mine.status_code == 200 and mine.json()["booking"]["status"] == "BOOKING_STATUS_CONFIRMED"
    assert "20:00" not in free_starts(platform, venue_id, day)[court]
    assert entries(platform, second) == []


def test_a_player_waits_for_at_most_ten_slots_at_once(platform):
    venue, player = create_venue(platform, new_user()), new_user()
    for days_ahead in range(2, 12):
        join(platform, player, venue["venue_id"], local_day(days_ahead))
    day = local_day(12)
    eleventh = requests.post(f"{platform.url}/api/bookings/waitlist", headers=platform.headers(player),
                             timeout=TIMEOUT, json={"venue_id": venue["venue_id"], "window_start": iso(day, "19:00"),
                                                    "window_end": iso(day, "22:00"), "duration_minutes": 60})
    assert eleventh.status_code == 400, eleventh.text
    assert eleventh.json()["message"] == "a player may wait for at most 10 slots at once"
    first = entries(platform, player)[0]
    left = requests.delete(f"{platform.url}/api/bookings/waitlist/{first['entry_id']}",
                           headers=platform.headers(player), timeout=TIMEOUT)
    assert left.status_code == 200, left.text
    join(platform, player, venue["venue_id"], day)  # room again once one is left
    assert len(entries(platform, player)) == 10
