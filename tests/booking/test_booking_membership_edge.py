"""Memberships over REST through the real Envoy edge: an owner's plan, a payment recorded by the
owner, the member's state, and the member's price taken off the member's own share only (alone, and
among other players, as payments bills each share); the plan's other benefits; and, on the platform's
test clock, the renewal reminders and the grace days booking's job keeps."""

import datetime as dt
import uuid

import requests

from booking_testkit import KARACHI, iso, local_day, local_dt
from padel_testkit import eventually
from test_booking_edge import TIMEOUT, book, create_venue, new_user
from test_booking_owners_edge import a_player


def test_a_member_price_lowers_only_the_members_share_of_the_court(platform):
    owner, member, guest = new_user(), new_user(), new_user()
    venue = create_venue(platform, owner)
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    plan = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/membership-plans",
                         headers=owner_headers, timeout=TIMEOUT,
                         json={"plan": {"name": "Gold", "price": {"amount_paisa": "500000"},
                                        "period": "MEMBERSHIP_PERIOD_MONTHLY", "grace_days": 7, "percent_off": 20}})
    assert plan.status_code == 200, plan.text
    plan_id = plan.json()["plan"]["plan_id"]
    not_owner = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/members",
                              headers=platform.headers(member), timeout=TIMEOUT,
                              json={"plan_id": plan_id, "player_id": member})
    assert not_owner.status_code == 403
    paid = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/members", headers=owner_headers,
                         timeout=TIMEOUT, json={"plan_id": plan_id, "player_id": member})
    assert paid.status_code == 200, paid.text
    assert paid.json()["membership"]["state"] == "active"
    mine = requests.get(f"{platform.url}/api/bookings/memberships", headers=platform.headers(member), timeout=TIMEOUT)
    assert [(m["plan"]["name"], m["state"]) for m in mine.json()["memberships"]] == [("Gold", "active")]

    court, day = venue["courts"][0]["court_id"], local_day(2)
    members_game = book(platform, member, court, day, "10:00")
    guests_game = book(platform, guest, court, day, "12:00")
    assert members_game.status_code == 200 and guests_game.status_code == 200
    # 6,000 PKR a court-hour: the member's quarter (1,500) is 20 % off (300); the other shares are not.
    assert members_game.json()["booking"]["price"]["amount_paisa"] == "570000"
    assert guests_game.json()["booking"]["price"]["amount_paisa"] == "600000"


def test_a_members_series_games_are_priced_as_members_too(platform):
    owner, member = new_user(), new_user()
    venue = create_venue(platform, owner)
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    plan = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/membership-plans",
                         headers=owner_headers, timeout=TIMEOUT,
                         json={"plan": {"name": "Silver", "price": {"amount_paisa": "300000"},
                                        "period": "MEMBERSHIP_PERIOD_YEARLY", "percent_off": 40}})
    requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/members", headers=owner_headers,
                  timeout=TIMEOUT, json={"plan_id": plan.json()["plan"]["plan_id"], "player_id": member})
    court = venue["courts"][0]["court_id"]
    series = requests.post(f"{platform.url}/api/bookings/series", headers=platform.headers(member), timeout=TIMEOUT,
                           json={"court_id": court, "first_start": iso(local_day(2), "09:00"), "duration_minutes": 60,
                                 "recurrence": {"count": 2}, "idempotency_key": "member-series-1"})
    assert series.status_code == 200, series.text
    for game in series.json()["series"]["occurrences"]:
        booking = requests.get(f"{platform.url}/api/bookings/bookings/{game['booking_id']}",
                               headers=platform.headers(member), timeout=TIMEOUT).json()["booking"]
        assert booking["price"]["amount_paisa"] == "540000"  # 40 % off the member's 1,500 PKR quarter


def test_members_only_hours_and_the_owners_member_list_over_rest(platform):
    owner, member, guest = new_user(), new_user(), new_user()
    venue = create_venue(platform, owner)
    venue_id, court, day = venue["venue_id"], venue["courts"][0]["court_id"], local_day(3)
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    hours = requests.put(f"{platform.url}/api/bookings/venues/{venue_id}", headers=owner_headers, timeout=TIMEOUT,
                         json={"venue": {"member_hours": [{"start": "18:00", "end": "21:00",
                                                           "opens_to_all_minutes": 1440}]},
                               "update_mask": "member_hours"})
    assert hours.status_code == 200, hours.text
    assert hours.json()["venue"]["member_hours"][0]["opens_to_all_minutes"] == 1440
    bad = requests.put(f"{platform.url}/api/bookings/venues/{venue_id}", headers=owner_headers, timeout=TIMEOUT,
                       json={"venue": {"member_hours": [{"start": "25:00", "end": "21:00"}]},
                             "update_mask": "member_hours"})
    assert bad.status_code == 400 and "member_hours[0].start" in bad.json()["message"], bad.text
    elsewhere = requests.put(f"{platform.url}/api/bookings/venues/{venue_id}", headers=owner_headers, timeout=TIMEOUT,
                             json={"venue": {"member_hours": [{"court_id": new_user(), "start": "18:00",
                                                               "end": "21:00"}]}, "update_mask": "member_hours"})
    assert elsewhere.status_code == 400 and "member_hours[0].court_id" in elsewhere.json()["message"], elsewhere.text
    plan = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/membership-plans", headers=owner_headers,
                         timeout=TIMEOUT, json={"plan": {
                             "name": "Evenings", "price": {"amount_paisa": "400000"},
                             "period": "MEMBERSHIP_PERIOD_QUARTERLY", "grace_days": 5,
                             "price_rules": [{"court_id": court, "start": "18:00", "end": "21:00",
                                              "amount_off": {"amount_paisa": "50000"}}]}})
    assert plan.status_code == 200, plan.text
    assert plan.json()["plan"]["price_rules"][0]["amount_off"]["amount_paisa"] == "50000"
    both = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/membership-plans", headers=owner_headers,
                         timeout=TIMEOUT, json={"plan": {"name": "Odd", "period": "MEMBERSHIP_PERIOD_MONTHLY",
                                                         "price_rules": [{"start": "08:00", "end": "10:00"}]}})
    assert both.status_code == 400 and "plan.price_rules[0]" in both.json()["message"], both.text
    paid = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/members", headers=owner_headers,
                         timeout=TIMEOUT, json={"plan_id": plan.json()["plan"]["plan_id"], "player_id": member})
    assert paid.status_code == 200, paid.text

    def evening_slot(headers: dict) -> dict:
        answer = requests.get(f"{platform.url}/api/bookings/availability", headers=headers, timeout=TIMEOUT,
                              params={"venue_id": venue_id, "date": day.isoformat(), "duration_minutes": 60,
                                      "court_id": court})
        assert answer.status_code == 200, answer.text
        slots = {s["local_start"]: s for s in answer.json()["courts"][0]["slots"]}
        assert not slots["17:00"].get("members_only") and "opens_to_all_at" not in slots["17:00"]
        return slots["19:00"]

    for headers in ({}, platform.headers(guest)):  # nobody signed in, a non-member
        seen = evening_slot(headers)
        assert seen["members_only"] and seen["closed_to_caller"] and seen["opens_to_all_at"]
    seen = evening_slot(platform.headers(member))
    assert seen["members_only"] and not seen.get("closed_to_caller")
    assert evening_slot({})["closed_to_caller"]  # the member's view never leaks into the kept answer

    refused = book(platform, guest, court, day, "19:00")
    assert refused.status_code == 400 and "for the venue's members until" in refused.json()["message"], refused.text
    taken = book(platform, member, court, day, "19:00")
    assert taken.status_code == 200, taken.text
    assert taken.json()["booking"]["price"]["amount_paisa"] == "550000"  # PKR 500 off the member's share

    listed = requests.get(f"{platform.url}/api/bookings/venues/{venue_id}/members", headers=owner_headers,
                          timeout=TIMEOUT, params={"page_size": 10})
    assert listed.status_code == 200, listed.text
    assert [(m["player_id"], m["plan"]["name"], m["state"]) for m in listed.json()["memberships"]] == [
        (member, "Evenings", "active")]
    assert requests.get(f"{platform.url}/api/bookings/venues/{venue_id}/members", headers=platform.headers(member),
                        timeout=TIMEOUT).status_code == 403


    # A player finds the plans on offer (no sign-in needed); the owner retires one and it is gone,
    # nobody joins it any more, and its member keeps their membership to the end of the period.
    plans_url = f"{platform.url}/api/bookings/venues/{venue_id}/membership-plans"
    offered = requests.get(plans_url, timeout=TIMEOUT)
    assert offered.status_code == 200, offered.text
    assert [(p["name"], p["price"]["amount_paisa"], p["period"], p["grace_days"],
             p["price_rules"][0]["amount_off"]["amount_paisa"]) for p in offered.json()["plans"]] == [
        ("Evenings", "400000", "MEMBERSHIP_PERIOD_QUARTERLY", 5, "50000")]
    plan_id = plan.json()["plan"]["plan_id"]
    # The owner raises the price and gives members a day further ahead; the listed plan shows both.
    changed_plan = {**offered.json()["plans"][0], "price": {"amount_paisa": "450000"}, "extra_horizon_days": 1}
    changed = requests.patch(f"{plans_url}/{plan_id}", headers=owner_headers, timeout=TIMEOUT,
                             json={"plan": changed_plan, "update_mask": "price,extraHorizonDays"})
    assert changed.status_code == 200, changed.text
    listed_plan = requests.get(plans_url, timeout=TIMEOUT).json()["plans"][0]
    assert (listed_plan["price"]["amount_paisa"], listed_plan["extra_horizon_days"]) == ("450000", 1)
    period = requests.patch(f"{plans_url}/{plan_id}", headers=owner_headers, timeout=TIMEOUT,
                            json={"plan": changed_plan, "update_mask": "period"})
    assert period.status_code == 400 and "update_mask" in period.json()["message"], period.text
    assert requests.patch(f"{plans_url}/{plan_id}", headers=platform.headers(member), timeout=TIMEOUT,
                          json={"plan": changed_plan, "update_mask": "price"}).status_code == 403
    assert requests.post(f"{plans_url}/{plan_id}/retire", headers=platform.headers(member), json={},
                         timeout=TIMEOUT).status_code == 403
    retired = requests.post(f"{plans_url}/{plan_id}/retire", headers=owner_headers, json={}, timeout=TIMEOUT)
    assert retired.status_code == 200 and retired.json()["plan"]["retired_at"], retired.text
    assert requests.get(plans_url, headers=platform.headers(guest), timeout=TIMEOUT).json().get("plans", []) == []
    joined = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/members", headers=owner_headers,
                           timeout=TIMEOUT, json={"plan_id": plan_id, "player_id": guest})
    assert joined.status_code == 400 and "retired" in joined.json()["message"], joined.text
    mine = requests.get(f"{platform.url}/api/bookings/memberships", headers=platform.headers(member), timeout=TIMEOUT)
    assert [m["state"] for m in mine.json()["memberships"]] == ["active"]
    [told] = news(platform, member, "membership_plan_retired", 1)  # in the member's inbox, through notify
    assert "Evenings" in told["body"] and "it cannot be renewed" in told["body"], told

    # The owner ends the membership by hand: expired at once, and the evening is closed to them again.
    membership_id = mine.json()["memberships"][0]["membership_id"]
    members_url = f"{platform.url}/api/bookings/venues/{venue_id}/members"
    assert requests.post(f"{members_url}/{membership_id}/end", headers=platform.headers(member), json={},
                         timeout=TIMEOUT).status_code == 403
    ended = requests.post(f"{members_url}/{membership_id}/end", headers=owner_headers, json={}, timeout=TIMEOUT)
    assert ended.status_code == 200 and ended.json()["membership"]["state"] == "expired", ended.text
    closed = book(platform, member, court, day, "20:00")
    assert closed.status_code == 400 and "for the venue's members until" in closed.json()["message"], closed.text


def test_a_member_among_other_players_pays_a_member_price_on_their_own_share_only(platform):
    owner, booker, member, friend, guest = (new_user(), a_player(platform, "Booker"), a_player(platform, "Member"),
                                            a_player(platform, "Friend"), new_user())
    # Paid online, so payments bills each player's share (a booking is held until paid).
    venue = create_venue(platform, owner, confirmation_mode="CONFIRMATION_MODE_MANUAL", hold_minutes=30)
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    plan = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/membership-plans",
                         headers=owner_headers, timeout=TIMEOUT,
                         json={"plan": {"name": "Gold", "price": {"amount_paisa": "500000"},
                                        "period": "MEMBERSHIP_PERIOD_MONTHLY", "percent_off": 20}})
    paid = requests.post(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/members", headers=owner_headers,
                         timeout=TIMEOUT, json={"plan_id": plan.json()["plan"]["plan_id"], "player_id": member})
    assert paid.status_code == 200, paid.text
    online = requests.put(f"{platform.url}/api/payments/venues/{venue['venue_id']}/payment", headers=owner_headers,
                          json={"mode": "PAYMENT_MODE_FULL"}, timeout=TIMEOUT)
    assert online.status_code == 200, online.text

    court, day = venue["courts"][0]["court_id"], local_day(2)
    game = requests.post(f"{platform.url}/api/bookings/book", headers=platform.headers(booker), timeout=TIMEOUT,
                         json={"court_id": court, "start_time": iso(day, "10:00"), "duration_minutes": 60,
                               "participant_ids": [member, friend], "idempotency_key": uuid.uuid4().hex})
    assert game.status_code == 200, game.text
    booking = game.json()["booking"]
    # 6,000 PKR a court-hour in three shares of 2,000; the member's is 20 % of a player's quarter (300) less.
    assert booking["price"]["amount_paisa"] == "570000"

    def shares_of(booking_id: str, user: str) -> dict[str, str] | None:
        """Each player's share as payments bills it (booking's BookingSnapshot.player_prices)."""
        answer = requests.get(f"{platform.url}/api/payments/bookings/{booking_id}", headers=platform.headers(user),
                              timeout=TIMEOUT)
        if answer.status_code != 200:
            return None
        return {s["player_id"]: s["amount"]["amount_paisa"] for s in answer.json()["bill"]["shares"]}

    shares = eventually(lambda: shares_of(booking["booking_id"], booker), "payments bills the game's shares")
    assert shares == {booker: "200000", member: "170000", friend: "200000"}
    assert sum(int(paisa) for paisa in shares.values()) == int(booking["price"]["amount_paisa"])

    # Nobody of a game alone is a member: no discount on any share.
    alone = book(platform, guest, court, day, "12:00")
    assert alone.status_code == 200 and alone.json()["booking"]["price"]["amount_paisa"] == "600000"
    assert eventually(lambda: shares_of(alone.json()["booking"]["booking_id"], guest),
                      "payments bills the game alone") == {guest: "600000"}


def news(platform, user: str, kind: str, count: int) -> list[dict]:
    """The user's in-app messages of `kind`, oldest first, once `count` of them arrived."""
    def arrived() -> list[dict] | None:
        answer = requests.get(f"{platform.url}/api/notifications/inbox", headers=platform.headers(user),
                              timeout=TIMEOUT)
        found = [m for m in reversed(answer.json().get("messages", [])) if m["kind"] == kind]
        return found if len(found) >= count else None
    return eventually(arrived, f"{count} {kind} for {user}")


def a_member(platform, venue_id: str, owner: str, member: str, **benefits) -> dict:
    """A monthly Gold plan (PKR 5,000, 7 grace days, 20 % off, `benefits`) the owner records `member` paid."""
    headers = platform.headers(owner, roles=("venue_owner",))
    plan = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/membership-plans", headers=headers,
                         timeout=TIMEOUT, json={"plan": {"name": "Gold", "price": {"amount_paisa": "500000"},
                                                         "period": "MEMBERSHIP_PERIOD_MONTHLY", "grace_days": 7,
                                                         "percent_off": 20, **benefits}})
    assert plan.status_code == 200, plan.text
    paid = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/members", headers=headers, timeout=TIMEOUT,
                         json={"plan_id": plan.json()["plan"]["plan_id"], "player_id": member})
    assert paid.status_code == 200, paid.text
    return paid.json()["membership"]


def test_a_member_books_further_ahead_more_often_and_cancels_free_until_later_over_rest(platform):
    owner, member, guest = new_user(), new_user(), new_user()
    venue = create_venue(platform, owner, horizon_days=14, max_live_bookings_per_day=1,
                         cancellation_policy={"free_until_hours": 24, "late_fee_percent": 50, "grace_minutes": 0})
    a_member(platform, venue["venue_id"], owner, member, extra_horizon_days=7, extra_bookings_per_day=1,
             free_until_hours=2)
    court, far, day = venue["courts"][0]["court_id"], local_day(17), local_day(2)
    beyond = book(platform, guest, court, far, "10:00")
    assert beyond.status_code == 400, beyond.text
    assert book(platform, member, court, far, "10:00").status_code == 200  # 7 days further ahead
    games = [book(platform, member, court, day, clock) for clock in ("10:00", "12:00")]  # two a day
    assert [g.status_code for g in games] == [200, 200], games[1].text
    assert book(platform, guest, court, day, "14:00").status_code == 200
    second = book(platform, guest, court, day, "16:00")
    assert second.status_code == 400 and "per player per day" in second.json()["message"], second.text

    def preview(user: str, booking: dict) -> dict:
        answer = requests.get(f"{platform.url}/api/bookings/bookings/{booking['booking_id']}/cancellation",
                              headers=platform.headers(user), timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
        return answer.json()["preview"]

    guests = book(platform, guest, court, local_day(3), "14:00").json()["booking"]
    with platform.clock_at(local_dt(day, "07:00")):  # 3 h before the member's game, within the venue's 24 h
        assert preview(member, games[0].json()["booking"]).get("free") is True
    with platform.clock_at(local_dt(local_day(3), "07:00")):
        assert not preview(guest, guests).get("free")


def test_the_job_reminds_a_member_to_renew_and_keeps_their_benefits_through_the_grace_days_over_rest(platform):
    owner, member = new_user(), new_user()
    venue = create_venue(platform, owner)
    paid_until = dt.datetime.fromisoformat(
        a_member(platform, venue["venue_id"], owner, member)["paid_until"].replace("Z", "+00:00"))
    mine_url = f"{platform.url}/api/bookings/memberships"

    with platform.clock_at(paid_until - dt.timedelta(days=6)):  # within the 7 days' notice
        [due] = news(platform, member, "membership_renewal_due", 1)
        [mine] = requests.get(mine_url, headers=platform.headers(member), timeout=TIMEOUT).json()["memberships"]
    assert due["title"].startswith("Renew your Gold membership") and "runs until" in due["body"], due
    assert mine["state"] == "active" and mine["bill_id"] and mine["bill_id"] in due["body"]  # its pay link

    in_grace = paid_until + dt.timedelta(days=1)
    with platform.clock_at(in_grace):
        grace = news(platform, member, "membership_renewal_due", 2)[1]
        [mine] = requests.get(mine_url, headers=platform.headers(member), timeout=TIMEOUT).json()["memberships"]
        day = (in_grace + dt.timedelta(days=2)).astimezone(KARACHI).date()
        game = book(platform, member, venue["courts"][0]["court_id"], day, "10:00")
    assert "ended on" in grace["body"] and mine["state"] == "grace", grace
    assert game.status_code == 200, game.text
    assert game.json()["booking"]["price"]["amount_paisa"] == "570000"  # the member price, in grace
