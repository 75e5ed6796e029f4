"""Recurring series over REST through the real Envoy edge: previewed, booked whole around a closure,
limited by the venue's terms, cancelled one game, this and following, by the policy per game, and
booked by the venue's owner for a customer, whose series it is."""

import uuid

import requests

from booking_testkit import iso, local_day
from padel_testkit import eventually
from test_booking_edge import TIMEOUT, create_venue, free_starts, new_user
from test_booking_owners_edge import a_phone, registered


def post(platform, path: str, user: str, body: dict, roles=("player",)):
    return requests.post(f"{platform.url}{path}", json=body, headers=platform.headers(user, roles=roles),
                         timeout=TIMEOUT)


def series_request(court: str, first_day, key: str, **recurrence) -> dict:
    return {"court_id": court, "first_start": iso(first_day, "19:00"), "duration_minutes": 60,
            "recurrence": {"count": 4, **recurrence}, "idempotency_key": key}


def test_a_weekly_series_crossing_a_closure_lists_the_closed_date_and_books_the_rest(platform):
    owner, player = new_user(), new_user()
    # Free cancellation until 10 days before: far games are free to cancel, the first one is not.
    # No grace period after booking: the late fee applies from the first minute.
    venue = create_venue(platform, owner,
                         cancellation_policy={"free_until_hours": 240, "late_fee_percent": 25, "grace_minutes": 0})
    venue_id, court = venue["venue_id"], venue["courts"][0]["court_id"]
    days = [local_day(2 + 7 * week) for week in range(4)]
    closed = post(platform, f"/api/bookings/venues/{venue_id}/courts/{court}/closures", owner,
                  {"start_time": iso(days[1], "18:00"), "end_time": iso(days[1], "22:00"), "reason": "tournament"},
                  roles=("venue_owner",))
    assert closed.status_code == 200, closed.text
    body = series_request(court, days[0], uuid.uuid4().hex)

    preview = post(platform, "/api/bookings/series", player, {**body, "preview": True})
    assert preview.status_code == 200, preview.text
    games = preview.json()["series"]["occurrences"]
    assert [g["local_date"] for g in games] == [d.isoformat() for d in days]
    assert [bool(g.get("clash")) for g in games] == [False, True, False, False]
    assert "closed" in games[1]["clash"] and not any(g.get("booking_id") for g in games)
    assert "19:00" in free_starts(platform, venue_id, days[0])[court]  # a preview books nothing

    booked = post(platform, "/api/bookings/series", player, body)
    assert booked.status_code == 200, booked.text
    series = booked.json()["series"]
    assert "RRULE:FREQ=WEEKLY;COUNT=4" in series["rule"]
    games = series["occurrences"]
    assert [bool(g.get("booking_id")) for g in games] == [True, False, True, True]
    assert "closed" in games[1]["clash"]
    for day in (days[0], days[2], days[3]):
        assert "19:00" not in free_starts(platform, venue_id, day)[court]
    again = post(platform, "/api/bookings/series", player, body)
    assert again.json()["series"]["series_id"] == series["series_id"]
    seen = requests.get(f"{platform.url}/api/bookings/series/{series['series_id']}", timeout=TIMEOUT,
                        headers=platform.headers(owner, roles=("venue_owner",)))
    assert seen.status_code == 200 and seen.json()["series"]["occurrences"] == games
    stranger = requests.get(f"{platform.url}/api/bookings/series/{series['series_id']}", timeout=TIMEOUT,
                            headers=platform.headers(new_user()))
    assert stranger.status_code == 403

    one = post(platform, f"/api/bookings/series/{series['series_id']}/cancel", player,
               {"scope": "SERIES_CANCEL_SCOPE_ONE", "booking_id": games[0]["booking_id"]})
    assert one.status_code == 200, one.text
    [first] = one.json()["cancelled"]
    assert first["cancellation"]["fee"]["amount_paisa"] == "150000"  # late: a quarter of 6,000 PKR
    assert "19:00" in free_starts(platform, venue_id, days[0])[court]
    following = post(platform, f"/api/bookings/series/{series['series_id']}/cancel", player,
                     {"scope": "SERIES_CANCEL_SCOPE_FOLLOWING", "booking_id": games[2]["booking_id"]})
    assert following.status_code == 200, following.text
    cancelled = following.json()["cancelled"]
    assert [b["booking_id"] for b in cancelled] == [games[2]["booking_id"], games[3]["booking_id"]]
    assert all(b["cancellation"].get("fee", {}).get("amount_paisa", "0") == "0" for b in cancelled)
    assert {g["status"] for g in following.json()["series"]["occurrences"] if g.get("booking_id")} == {
        "BOOKING_STATUS_CANCELLED"}
    nothing_left = post(platform, f"/api/bookings/series/{series['series_id']}/cancel", player,
                        {"scope": "SERIES_CANCEL_SCOPE_ALL"})
    assert nothing_left.status_code == 400


def test_a_venue_limits_how_far_a_series_books_and_how_many_a_player_holds(platform):
    owner, player = new_user(), new_user()
    venue = create_venue(platform, owner)
    venue_id, court = venue["venue_id"], venue["courts"][0]["court_id"]
    terms = requests.put(f"{platform.url}/api/bookings/venues/{venue_id}/terms", timeout=TIMEOUT,
                         headers=platform.headers(owner, roles=("venue_owner",)),
                         json={"terms": {"series_horizon_days": 12, "max_series_per_player": 1,
                                         "waitlist_offer_minutes": 10}})
    assert terms.status_code == 200, terms.text
    not_owner = requests.put(f"{platform.url}/api/bookings/venues/{venue_id}/terms", timeout=TIMEOUT,
                             headers=platform.headers(player), json=terms.json())
    assert not_owner.status_code == 403
    shown = requests.get(f"{platform.url}/api/bookings/venues/{venue_id}/terms", timeout=TIMEOUT)
    assert shown.json()["terms"]["series_horizon_days"] == 12

    booked = post(platform, "/api/bookings/series", player, series_request(court, local_day(2), uuid.uuid4().hex))
    assert booked.status_code == 200, booked.text
    games = booked.json()["series"]["occurrences"]
    # Weeks 3 and 4 are beyond the 12 days the venue books series ahead.
    assert [bool(g.get("booking_id")) for g in games] == [True, True, False, False]
    assert "12 days ahead" in games[2]["clash"]
    second = post(platform, "/api/bookings/series", player,
                  series_request(venue["courts"][1]["court_id"], local_day(3), uuid.uuid4().hex))
    assert second.status_code == 400 and "1 running series" in second.json()["message"]

    bad = post(platform, "/api/bookings/series", player,
               series_request(court, local_day(4), uuid.uuid4().hex, until=local_day(30).isoformat()))
    assert bad.status_code == 400 and "recurrence.until" in bad.json()["message"]
    bad_date = post(platform, "/api/bookings/series", player,
                    {**series_request(court, local_day(4), uuid.uuid4().hex, exception_dates=["someday"])})
    assert bad_date.status_code == 400 and "recurrence.exception_dates[0]" in bad_date.json()["message"]


def messages_of(platform, user: str) -> list[dict]:
    answer = requests.get(f"{platform.url}/api/notifications/inbox", headers=platform.headers(user), timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json().get("messages", [])


def test_the_owner_books_a_series_for_a_customer_and_it_is_the_customers_own(platform):
    owner, phone = new_user(), a_phone()
    customer = registered(platform, "Sana", "Iqbal", phone)
    venue = create_venue(platform, owner,
                         cancellation_policy={"free_until_hours": 240, "late_fee_percent": 25, "grace_minutes": 0})
    body = series_request(venue["courts"][0]["court_id"], local_day(2), uuid.uuid4().hex)
    as_owner = ("venue_owner",)

    # Only the venue's owner books for someone else: a player, or another venue's owner, is refused.
    for someone, roles in ((new_user(), ("player",)), (new_user(), as_owner)):
        refused = post(platform, "/api/bookings/series", someone, {**body, "player_id": customer}, roles=roles)
        assert refused.status_code == 403, refused.text
    # The customer is a registered player, named by id or by the phone they registered.
    unknown = post(platform, "/api/bookings/series", owner, {**body, "player_id": new_user()}, roles=as_owner)
    assert unknown.status_code == 400 and unknown.json()["message"].startswith("player_id: ")
    nobody = post(platform, "/api/bookings/series", owner, {**body, "player_phone": a_phone()}, roles=as_owner)
    assert nobody.status_code == 400 and nobody.json()["message"].startswith("player_phone: ")
    both = post(platform, "/api/bookings/series", owner, {**body, "player_id": customer, "player_phone": phone},
                roles=as_owner)
    assert both.status_code == 400 and both.json()["message"].startswith("player_phone: ")

    def previewed():  # booking_svc hears of a registered player by auth's event
        preview = post(platform, "/api/bookings/series", owner, {**body, "player_phone": phone, "preview": True},
                       roles=as_owner)
        return preview if preview.status_code == 200 else None

    eventually(previewed, "booking_svc knows the registered customer")
    booked = post(platform, "/api/bookings/series", owner, {**body, "player_phone": phone}, roles=as_owner)
    assert booked.status_code == 200, booked.text
    series = booked.json()["series"]
    games = [g["booking_id"] for g in series["occurrences"]]
    assert series["player_id"] == customer and len(games) == 4 and all(games)

    # The customer sees it and its games as theirs; the owner holds no booking of their own.
    seen = requests.get(f"{platform.url}/api/bookings/series/{series['series_id']}", timeout=TIMEOUT,
                        headers=platform.headers(customer))
    assert seen.status_code == 200 and seen.json()["series"]["player_id"] == customer
    theirs = requests.get(f"{platform.url}/api/bookings/bookings", headers=platform.headers(customer),
                          timeout=TIMEOUT).json()["bookings"]
    assert [b["booking_id"] for b in theirs] == games and {b["player_id"] for b in theirs} == {customer}
    owners = requests.get(f"{platform.url}/api/bookings/bookings", timeout=TIMEOUT,
                          headers=platform.headers(owner, roles=as_owner)).json()
    assert not owners.get("bookings")
    # The customer hears of the series; the owner, who booked it, is not told of their own act.
    told = eventually(lambda: [m for m in messages_of(platform, customer) if m["kind"] == "series_booked"] or None,
                      "the customer hears of the series", timeout=20)
    assert len(told) == 1
    assert not [m for m in messages_of(platform, owner) if m["kind"] == "venue_series_booked"]

    # The customer cancels a game as its player, by the venue's policy: late, a quarter of 6,000 PKR.
    one = post(platform, f"/api/bookings/series/{series['series_id']}/cancel", customer,
               {"scope": "SERIES_CANCEL_SCOPE_ONE", "booking_id": games[0]})
    assert one.status_code == 200, one.text
    [first] = one.json()["cancelled"]
    assert first["cancellation"]["fee"]["amount_paisa"] == "150000"
