"""The owner's numbers over REST through the real Envoy edge, checked against bookings the test makes
(a venue open past midnight, a game across midnight, a closure across midnight, a late cancellation's
fee, a returning player, a game priced by a price rule)."""

import csv
import datetime as dt
import io

import requests

from booking_testkit import iso, local_day
from test_booking_edge import TIMEOUT, book, create_venue, new_user

EVENINGS = [{"weekday": w, "open": "18:00", "close": "02:00"} for w in
            ("WEEKDAY_MONDAY", "WEEKDAY_TUESDAY", "WEEKDAY_WEDNESDAY", "WEEKDAY_THURSDAY", "WEEKDAY_FRIDAY",
             "WEEKDAY_SATURDAY", "WEEKDAY_SUNDAY")]
WEEKDAYS = ["", "WEEKDAY_MONDAY", "WEEKDAY_TUESDAY", "WEEKDAY_WEDNESDAY", "WEEKDAY_THURSDAY", "WEEKDAY_FRIDAY",
            "WEEKDAY_SATURDAY", "WEEKDAY_SUNDAY"]


def booked(platform, player, court, day, clock, duration=60) -> dict:
    answer = book(platform, player, court, day, clock, duration)
    assert answer.status_code == 200, answer.text
    return answer.json()["booking"]


def net(booking: dict) -> int:
    return int(booking["price"]["amount_paisa"]) - int(booking["commission"]["amount_paisa"])


def test_a_report_counts_the_bookings_made_its_period(platform):
    owner, regular, newcomer, canceller = new_user(), new_user(), new_user(), new_user()
    venue = create_venue(platform, owner, opening_hours=EVENINGS,
                         cancellation_policy={"free_until_hours": 240, "late_fee_percent": 25, "grace_minutes": 0})
    venue_id = venue["venue_id"]
    court1, court2 = (c["court_id"] for c in venue["courts"])
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    evening = {"court_id": court2, "start": "20:00", "end": "22:00", "hourly_price": {"amount_paisa": "900000"}}
    prices = requests.put(f"{platform.url}/api/bookings/venues/{venue_id}/prices", headers=owner_headers,
                          json={"base_hourly_price": {"amount_paisa": "600000"}, "rules": [evening]}, timeout=TIMEOUT)
    assert prices.status_code == 200, prices.text
    rule_id = prices.json()["rules"][0]["rule_id"]
    before, day = local_day(2), local_day(3)
    booked(platform, regular, court1, before, "19:00")  # before the period: the regular returns in it
    early = booked(platform, regular, court1, day, "19:00")
    midnight = booked(platform, regular, court1, day, "23:30")  # 23:30–00:30, across midnight
    long_game = booked(platform, newcomer, court2, day, "20:00", 90)
    dropped = booked(platform, canceller, court2, day, "22:00")
    cancelled = requests.post(f"{platform.url}/api/bookings/bookings/{dropped['booking_id']}/cancel",
                              headers=platform.headers(canceller), json={}, timeout=TIMEOUT)
    fee = int(cancelled.json()["booking"]["cancellation"]["fee"]["amount_paisa"])
    assert fee == 150_000  # a quarter of 6,000 PKR: cancelled inside the 10 days
    kept = 135_000  # what the venue nets of the fee: the platform's 10% commission on it apart (as payouts)
    assert long_game["price"]["amount_paisa"] == "1350000"  # 90 minutes at the evening rule's 9,000 PKR
    # The same rules again (a new base price): the evening rule keeps its id, and its bookings.
    again = requests.put(f"{platform.url}/api/bookings/venues/{venue_id}/prices", headers=owner_headers,
                         json={"base_hourly_price": {"amount_paisa": "650000"}, "rules": [evening]}, timeout=TIMEOUT)
    assert again.json()["rules"][0]["rule_id"] == rule_id
    # Court 2 closed from 23:00 to 01:00: two hours of its evening are not open time.
    closure = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/courts/{court2}/closures",
                            headers=owner_headers, timeout=TIMEOUT, json={
                                "start_time": iso(day, "23:00"), "end_time": iso(day + dt.timedelta(days=1), "01:00")})
    assert closure.status_code == 200, closure.text

    period = {"from": day.isoformat(), "to": day.isoformat()}
    answer = requests.get(f"{platform.url}/api/bookings/venues/{venue_id}/report", params=period,
                          headers=owner_headers, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    report = answer.json()["report"]
    court1_net, court2_net = net(early) + net(midnight), net(long_game) + kept
    assert report["revenue"]["amount_paisa"] == str(court1_net + court2_net)
    courts = {c["court_id"]: c for c in report["courts"]}
    assert (courts[court1]["booked_minutes"], courts[court1]["open_minutes"], courts[court1]["bookings"]) == (
        "120", "480", "2")
    assert courts[court1]["revenue"]["amount_paisa"] == str(court1_net)
    assert (courts[court2]["booked_minutes"], courts[court2]["open_minutes"], courts[court2]["bookings"]) == (
        "90", "360", "1")
    assert courts[court2]["revenue"]["amount_paisa"] == str(court2_net)
    assert report["days"] == [{"local_date": day.isoformat(), "bookings": "3",
                               "revenue": {"amount_paisa": str(court1_net + court2_net), "currency": "PKR"}}]
    assert {s["status"]: s["count"] for s in report["statuses"]} == {
        "BOOKING_STATUS_CONFIRMED": "3", "BOOKING_STATUS_CANCELLED": "1"}
    assert (report.get("new_players"), report.get("returning_players")) == ("2", "1")
    assert [(p["player_id"], p["bookings"]) for p in report["top_players"]] == [
        (regular, "2"), (newcomer, "1"), (canceller, "0")]
    assert report["top_players"][2]["spent"]["amount_paisa"] == str(fee)
    # Revenue by the price rule that priced each game: the evening rule, and the base price (the
    # cancelled base-price game's fee with it).
    by_rule = {r.get("rule_id", ""): r for r in report["price_rules"]}
    assert {k: (r["bookings"], r["revenue"]["amount_paisa"]) for k, r in by_rule.items()} == {
        rule_id: ("1", str(net(long_game))), "": ("2", str(court1_net + kept))}
    assert (by_rule[rule_id]["rule"]["start"], by_rule[rule_id]["rule"]["court_id"]) == ("20:00", court2)
    assert "rule" not in by_rule[""]

    # By the clock: the game across midnight counts half on the day, half on the next weekday.
    steps = {(h["weekday"], h["local_start"]): h for h in report["hours"]}
    today, tomorrow = WEEKDAYS[day.isoweekday()], WEEKDAYS[day.isoweekday() % 7 + 1]
    assert steps[(today, "23:30")]["booked_minutes"] == "30" and steps[(tomorrow, "00:00")]["booked_minutes"] == "30"
    assert steps[(today, "20:30")]["booked_minutes"] == "30" and steps[(today, "20:30")]["open_minutes"] == "60"
    assert steps[(tomorrow, "01:30")]["open_minutes"] == "60" and (tomorrow, "02:00") not in steps
    # The closure takes court 2's half of each step from 23:00 to 01:00, past midnight too.
    assert [steps[k]["open_minutes"] for k in ((today, "22:30"), (today, "23:00"), (tomorrow, "00:30"),
                                               (tomorrow, "01:00"))] == ["60", "30", "30", "60"]
    assert sum(int(h.get("booked_minutes", 0)) for h in report["hours"]) == 210

    exported = requests.get(f"{platform.url}/api/bookings/venues/{venue_id}/report/csv", params=period,
                            headers=owner_headers, timeout=TIMEOUT)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.text)))
    court_row = next(r for r in table if r["section"] == "court" and r["key"] == "Court 1")
    assert (court_row["bookings"], court_row["booked_minutes"], court_row["amount_paisa"]) == (
        "2", "120", str(court1_net))
    rule_rows = {r["key"]: (r["bookings"], r["amount_paisa"]) for r in table if r["section"] == "price_rule"}
    assert rule_rows == {rule_id: ("1", str(net(long_game))), "base": ("2", str(court1_net + kept))}

    player = requests.get(f"{platform.url}/api/bookings/venues/{venue_id}/report", params=period,
                          headers=platform.headers(regular), timeout=TIMEOUT)
    assert player.status_code == 403
    backwards = requests.get(f"{platform.url}/api/bookings/venues/{venue_id}/report", headers=owner_headers,
                             params={"from": day.isoformat(), "to": before.isoformat()}, timeout=TIMEOUT)
    assert backwards.status_code == 400 and backwards.json()["message"].startswith("to:")
