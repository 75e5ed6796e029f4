"""A prime slot's lottery over REST through the real Envoy edge: while entries are open, and, on the
platform's test clock, drawn by booking's job once they close: the published seed and entries
reproduce the draw, the winner holds the booking (told once, of the win; at a venue that confirms by
hand, that it awaits the venue, then of the confirmation) and the others wait for the slot in drawn order."""

import datetime as dt

import requests

from booking_svc import lottery as documented
from booking_testkit import iso, local_day
from padel_testkit import eventually
from test_booking_edge import TIMEOUT, book, create_venue, free_starts, inbox, new_user, told


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


def test_a_lottery_drawn_after_entries_close_is_reproducible_from_its_published_seed(platform):
    owner, member, *players = new_user(), new_user(), new_user(), new_user(), new_user()
    venue = create_venue(platform, owner)
    venue_id, court, day = venue["venue_id"], venue["courts"][0]["court_id"], local_day(6)
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    plan = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/membership-plans", headers=owner_headers,
                         timeout=TIMEOUT, json={"plan": {"name": "Gold", "price": {"amount_paisa": "500000"},
                                                         "period": "MEMBERSHIP_PERIOD_MONTHLY", "grace_days": 7,
                                                         "lottery_weight": 3}})
    assert plan.status_code == 200, plan.text
    paid = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/members", headers=owner_headers,
                         timeout=TIMEOUT, json={"plan_id": plan.json()["plan"]["plan_id"], "player_id": member})
    assert paid.status_code == 200, paid.text
    closes = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(hours=1)
    made = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/lotteries", headers=owner_headers,
                         timeout=TIMEOUT, json={"court_id": court, "start_time": iso(day, "20:00"),
                                                "duration_minutes": 90,
                                                "entries_close_at": closes.strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert made.status_code == 200, made.text
    url = f"{platform.url}/api/bookings/lotteries/{made.json()['lottery']['lottery_id']}"
    entrants = [players[0], member, players[1], players[2]]
    for player in entrants:
        entered = requests.post(f"{url}/enter", headers=platform.headers(player), timeout=TIMEOUT)
        assert entered.status_code == 200, entered.text

    def drawn() -> dict | None:
        seen = requests.get(url, headers=platform.headers(member), timeout=TIMEOUT).json()["lottery"]
        return seen if seen["state"] == "drawn" else None

    # A minute after entries close, booking's job draws (it runs every second on the test platform).
    with platform.clock_at(closes + dt.timedelta(minutes=1)):
        late = requests.post(f"{url}/enter", headers=platform.headers(new_user()), timeout=TIMEOUT)
        assert late.status_code == 400 and late.json()["message"] == "entries to this lottery have closed"
        audit = eventually(drawn, "the job draws the closed lottery", timeout=20)

    # The audit: the entries in joining order with their weights (the member's counts three times) and
    # the seed give the same order again with the documented draw (booking_svc.lottery).
    published = [(e["player_id"], e["weight"]) for e in audit["entries"]]
    assert published == [(players[0], 1), (member, 3), (players[1], 1), (players[2], 1)]
    assert len(audit["seed"]) == 32
    order = audit["drawn_player_ids"]
    assert documented.draw(audit["seed"], published) == order and sorted(order) == sorted(entrants)

    winner, *waiting = order
    won = requests.get(f"{platform.url}/api/bookings/bookings/{audit['booking_id']}", headers=platform.headers(winner),
                       timeout=TIMEOUT)
    assert won.status_code == 200, won.text
    assert (won.json()["booking"]["player_id"], won.json()["booking"]["local_start"]) == (winner, "20:00")
    assert told(platform, winner, "lottery_won")["title"].startswith("You won the slot")
    # One message for the win: the booking the draw made tells its winner nothing more (its events came first).
    # (A member entrant also heard their plan was paid before the draw.)
    booking_news = [m["kind"] for m in inbox(platform, winner, 1) if m["kind"] != "membership_paid"]
    assert booking_news == ["lottery_won"]
    for place, player in enumerate(waiting, start=1):
        line = requests.get(f"{platform.url}/api/bookings/waitlist", headers=platform.headers(player), timeout=TIMEOUT)
        assert [(e["state"], e["window_start"]) for e in line.json()["entries"]] == [("waiting", iso(day, "20:00"))]
        assert f"number {place} in line" in told(platform, player, "lottery_lost")["title"]
    assert "20:00" not in free_starts(platform, venue_id, day, 90)[court]


def test_a_win_at_a_venue_that_confirms_by_hand_awaits_the_venue_then_is_confirmed_once(platform):
    owner, winner = new_user(), new_user()
    venue = create_venue(platform, owner, confirmation_mode="CONFIRMATION_MODE_MANUAL")
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    closes = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(hours=1)
    made = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/lotteries", headers=owner_headers,
                         timeout=TIMEOUT, json={"court_id": venue["courts"][0]["court_id"],
                                                "start_time": iso(local_day(6), "20:00"), "duration_minutes": 90,
                                                "entries_close_at": closes.strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert made.status_code == 200, made.text
    url = f"{platform.url}/api/bookings/lotteries/{made.json()['lottery']['lottery_id']}"
    assert requests.post(f"{url}/enter", headers=platform.headers(winner), timeout=TIMEOUT).status_code == 200

    def drawn() -> dict | None:
        seen = requests.get(url, headers=platform.headers(winner), timeout=TIMEOUT).json()["lottery"]
        return seen if seen["state"] == "drawn" else None

    with platform.clock_at(closes + dt.timedelta(minutes=1)):
        booking_id = eventually(drawn, "the job draws the closed lottery", timeout=20)["booking_id"]
    win = told(platform, winner, "lottery_won")
    assert "awaits the venue's confirmation" in win["body"] and "booked for you" not in win["body"], win
    confirmed = requests.post(f"{platform.url}/api/bookings/bookings/{booking_id}/confirm", headers=owner_headers,
                              json={}, timeout=TIMEOUT)
    assert confirmed.status_code == 200, confirmed.text
    told(platform, winner, "booking_confirmed")
    assert [m["kind"] for m in inbox(platform, winner, 2)] == ["lottery_won", "booking_confirmed"]
