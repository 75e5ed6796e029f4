"""A prime slot's lottery over REST through the real Envoy edge, while entries are open (the draw,
after they close, is tested on the database with a moved clock)."""

import datetime as dt

import requests

from booking_testkit import iso, local_day
from test_booking_edge import TIMEOUT, book, create_venue, free_starts, new_user


def test_an_owner_marks_a_prime_slot_players_enter_once_and_the_draw_waits_for_entries_to_close(platform):
    owner, player = new_user(), new_user()
    venue = create_venue(platform, owner)
    court, day = venue["courts"][0]["court_id"], local_day(3)
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    closes = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    made = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/lotteries", headers=owner_headers,
                         timeout=TIMEOUT, json={"court_id": court, "start_time": iso(day, "20:00"),
                                                "duration_minutes": 90, "entries_close_at": closes})
    assert made.status_code == 200, made.text
    lottery = made.json()["lottery"]
    assert "20:00" not in free_starts(platform, venue["venue_id"], day, 90)[court]
    assert book(platform, new_user(), court, day, "20:00", 90).status_code == 400  # closed for the lottery

    url = f"{platform.url}/api/bookings/lotteries/{lottery['lottery_id']}"
    entered = requests.post(f"{url}/enter", headers=platform.headers(player), timeout=TIMEOUT)
    assert entered.status_code == 200 and entered.json()["lottery"]["entry_count"] == 1
    assert requests.post(f"{url}/enter", headers=platform.headers(player), timeout=TIMEOUT).status_code == 409
    early = requests.post(f"{url}/draw", headers=owner_headers, timeout=TIMEOUT)
    assert early.status_code == 400 and early.json()["message"] == "entries to this lottery are still open"
    seen = requests.get(url, headers=platform.headers(player), timeout=TIMEOUT).json()["lottery"]
    assert seen.get("seed", "") == "" and seen["entry_count"] == 1

    # Players find the venue's lotteries, open ones first, each with its entry window and state.
    later = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/lotteries", headers=owner_headers,
                          timeout=TIMEOUT, json={"court_id": court, "start_time": iso(day, "18:00"),
                                                 "duration_minutes": 90, "entries_close_at": iso(day, "12:00")})
    assert later.status_code == 200, later.text
    listed = requests.get(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/lotteries",
                          headers=platform.headers(player), timeout=TIMEOUT)
    assert listed.status_code == 200, listed.text
    assert [(lot["lottery_id"], lot["state"], lot["entries_close_at"], lot["entry_count"])
            for lot in listed.json()["lotteries"]] == [
        (lottery["lottery_id"], "open", closes, 1), (later.json()["lottery"]["lottery_id"], "open",
                                                    iso(day, "12:00"), 0)]
    assert listed.json()["lotteries"][0].get("entries", []) == []  # who entered is shown once drawn
