"""What owners and invited players missed (issue 12), over REST/JSON through the real Envoy edge: an
owner's own venues, retiring courts and venues, price rules that may not overlap, errors in the venue's
local time, invitations that need consent, my bookings by status, the cancellation fee shown first, and
on the platform's test clock a hold that runs out and an owner's own no-show."""

import datetime as dt
import uuid

import requests

from booking_testkit import iso, local_day, local_dt
from padel_testkit import eventually
from test_booking_edge import TIMEOUT, book, create_venue, free_starts, inbox, new_user, told


def call(platform, method: str, path: str, user: str, roles=("player",), **kwargs) -> requests.Response:
    return requests.request(method, f"{platform.url}{path}", headers=platform.headers(user, roles=roles),
                            timeout=TIMEOUT, **kwargs)


def a_player(platform, name: str) -> str:
    """A player with a profile in user_svc (only they can be invited)."""
    user = new_user()
    answer = call(platform, "PUT", "/api/users/profile", user,
                  json={"profile": {"display_name": name}, "update_mask": "display_name"})
    assert answer.status_code == 200, answer.text
    return user


def test_an_owner_lists_their_venues_page_by_page_and_retires_a_court_and_a_venue(platform):
    owner, player = new_user(), new_user()
    first, second = create_venue(platform, owner, name="A Owners Club"), create_venue(platform, owner, name="B Owners Club")
    create_venue(platform, new_user(), name="A Someone Else's Club")

    page = call(platform, "GET", "/api/bookings/owner/venues", owner, ("venue_owner",), params={"page_size": 1})
    assert page.status_code == 200, page.text
    assert [v["venue_id"] for v in page.json()["venues"]] == [first["venue_id"]]
    rest = call(platform, "GET", "/api/bookings/owner/venues", owner, ("venue_owner",),
                params={"page_size": 1, "page_token": page.json()["next_page_token"]}).json()
    assert [v["venue_id"] for v in rest["venues"]] == [second["venue_id"]] and not rest.get("next_page_token")
    assert call(platform, "GET", "/api/bookings/owner/venues", player).status_code == 403

    court, day = first["courts"][0]["court_id"], local_day(3)
    made = book(platform, player, court, day, "19:00")
    assert made.status_code == 200, made.text
    booking_id = made.json()["booking"]["booking_id"]
    retired = call(platform, "POST", f"/api/bookings/venues/{first['venue_id']}/courts/{court}/retire", owner,
                   ("venue_owner",))
    assert retired.status_code == 200, retired.text
    assert retired.json()["court"]["active"] is False
    assert [b["booking_id"] for b in retired.json()["live_bookings"]] == [booking_id]
    refused = book(platform, new_user(), court, day, "12:00")
    assert refused.status_code == 400 and "takes no bookings" in refused.json()["message"]
    # The owner moves what the answer listed to another court (not who plays); the player is told,
    # the owner is not told of their own move.
    path = f"/api/bookings/bookings/{booking_id}"
    meddled = call(platform, "PUT", path, owner, ("venue_owner",),
                   json={"special_requests": "bring balls", "update_mask": "special_requests"})
    assert meddled.status_code == 403 and "special_requests" in meddled.json()["message"]
    other = first["courts"][1]["court_id"]
    moved = call(platform, "PUT", path, owner, ("venue_owner",), json={"court_id": other, "update_mask": "court_id"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["booking"]["court_id"] == other and moved.json()["booking"]["local_start"] == "19:00"
    told = inbox(platform, player, 2)
    assert [m["kind"] for m in told] == ["booking_confirmed", "booking_rescheduled"]
    assert "Court 2" in told[1]["body"]
    # The owner cancels it after all: the player is told (a venue's cancellation is free), the owner
    # hears of neither their move nor their cancellation, only of the booking.
    cancelled = call(platform, "POST", f"{path}/cancel", owner, ("venue_owner",), json={"reason": "court retired"})
    assert cancelled.status_code == 200 and cancelled.json()["booking"]["status"] == "BOOKING_STATUS_CANCELLED"
    told = inbox(platform, player, 3)
    assert told[2]["kind"] == "booking_cancelled" and told[2]["body"].endswith("(court retired). No cancellation fee.")
    assert [m["kind"] for m in inbox(platform, owner, 1)] == ["venue_booking_new"]

    other_court = second["courts"][1]["court_id"]
    kept = book(platform, player, other_court, day, "10:00").json()["booking"]
    gone = call(platform, "POST", f"/api/bookings/venues/{second['venue_id']}/retire", owner, ("venue_owner",))
    assert gone.status_code == 200, gone.text
    assert gone.json()["venue"]["active"] is False
    assert [b["booking_id"] for b in gone.json()["live_bookings"]] == [kept["booking_id"]]
    listed = requests.get(f"{platform.url}/api/bookings/venues", params={"query": "B Owners Club"},
                          timeout=TIMEOUT).json().get("venues", [])
    assert second["venue_id"] not in [v["venue_id"] for v in listed]
    assert book(platform, new_user(), other_court, day, "14:00").status_code == 400
    mine = call(platform, "GET", "/api/bookings/owner/venues", owner, ("venue_owner",)).json()["venues"]
    assert {v["venue_id"]: v["active"] for v in mine} == {first["venue_id"]: True, second["venue_id"]: False}
    intruder = call(platform, "POST", f"/api/bookings/venues/{first['venue_id']}/retire", new_user(), ("venue_owner",))
    assert intruder.status_code == 403


def test_overlapping_price_rules_are_refused_naming_both(platform):
    owner = new_user()
    venue = create_venue(platform, owner)
    path = f"/api/bookings/venues/{venue['venue_id']}/prices"
    base = {"amount_paisa": "600000", "currency": "PKR"}
    rules = [{"start": "18:00", "end": "23:00", "hourly_price": {"amount_paisa": "800000"}},
             {"weekdays": ["WEEKDAY_FRIDAY"], "start": "22:00", "end": "01:00", "hourly_price": {"amount_paisa": "900000"}}]
    answer = call(platform, "PUT", path, owner, ("venue_owner",), json={"base_hourly_price": base, "rules": rules})
    assert answer.status_code == 400
    assert answer.json()["message"] == ("rules[1]: overlaps rules[0] on Friday from 22:00; "
                                        "price rules of the same court may not overlap")
    # Back to back is fine, and one court's own rule is that court's exception to a venue-wide one.
    rules[1]["start"] = "23:00"
    court_rule = {"court_id": venue["courts"][0]["court_id"], "start": "19:00", "end": "20:00",
                  "hourly_price": {"amount_paisa": "1000000"}}
    answer = call(platform, "PUT", path, owner, ("venue_owner",),
                  json={"base_hourly_price": base, "rules": [*rules, court_rule]})
    assert answer.status_code == 200, answer.text


def test_errors_about_closures_and_hours_speak_the_venues_local_time(platform):
    owner, player = new_user(), new_user()
    venue = create_venue(platform, owner)
    court, day = venue["courts"][0]["court_id"], local_day(4)
    assert book(platform, player, court, day, "19:00").status_code == 200
    closing = call(platform, "POST", f"/api/bookings/venues/{venue['venue_id']}/courts/{court}/closures", owner,
                   ("venue_owner",), json={"start_time": iso(day, "18:00"), "end_time": iso(day, "22:00")})
    assert closing.status_code == 400
    assert f"the first at {day.isoformat()} 19:00 (Asia/Karachi)" in closing.json()["message"]

    other = venue["courts"][1]["court_id"]
    closed = call(platform, "POST", f"/api/bookings/venues/{venue['venue_id']}/courts/{other}/closures", owner,
                  ("venue_owner",), json={"start_time": iso(day, "18:00"), "end_time": iso(day, "22:00")})
    assert closed.status_code == 200, closed.text
    refused = book(platform, player, other, day, "20:00")
    assert refused.status_code == 400
    assert refused.json()["message"] == "start_time: the court is closed from 18:00 to 22:00 (Asia/Karachi)"
    early = book(platform, player, other, day, "07:00")
    assert early.json()["message"] == ("start_time: is outside the venue's opening hours: "
                                       "open from 08:00 to 23:00 (Asia/Karachi) that day")
    late = book(platform, player, other, day, "22:30")
    assert late.json()["message"] == f"duration_minutes: the game would end after closing time ({day} 23:00 (Asia/Karachi))"


def test_invited_players_accept_or_decline_and_the_booker_sees_each_answer(platform):
    booker = a_player(platform, "Booker")  # known to user_svc, so others can block them
    # Registered (auth tells notify their names, which the booker reads in their answers).
    comes, skips = registered(platform, "Comes", "Early", a_phone()), registered(platform, "Skips", "Out", a_phone())
    assert _known_to_users(platform, comes) and _known_to_users(platform, skips)
    instead = a_player(platform, "Instead")
    venue = create_venue(platform, new_user())

    def book_with(invited: list[str]) -> requests.Response:
        return requests.post(f"{platform.url}/api/bookings/book", headers=platform.headers(booker), timeout=TIMEOUT,
                             json={"court_id": venue["courts"][0]["court_id"], "start_time": iso(local_day(3), "10:00"),
                                   "duration_minutes": 60, "participant_ids": invited,
                                   "idempotency_key": uuid.uuid4().hex})

    unknown = new_user()  # user_svc has never heard of them
    refused = book_with([comes, unknown])
    assert refused.status_code == 400 and refused.json()["message"].startswith(f"participant_ids[1]: {unknown} ")
    # A player who blocked the booker cannot be invited, and is not named as such.
    wary = a_player(platform, "Wary")
    assert call(platform, "POST", f"/api/users/connections/{booker}/block", wary).status_code == 200
    refused = book_with([comes, wary])
    assert refused.status_code == 400 and refused.json()["message"].startswith(f"participant_ids[1]: {wary} ")
    made = book_with([comes, skips])
    assert made.status_code == 200, made.text
    booking_id = made.json()["booking"]["booking_id"]
    states = {i["player_id"]: i["state"] for i in made.json()["booking"]["invitations"]}
    assert states == {comes: "INVITATION_STATE_PENDING", skips: "INVITATION_STATE_PENDING"}

    # The invited see the game among their bookings, marked as an invitation.
    theirs = call(platform, "GET", "/api/bookings/bookings", comes).json()["bookings"]
    assert [(b["booking_id"], b["invited"]) for b in theirs] == [(booking_id, True)]
    accepted = call(platform, "POST", f"/api/bookings/bookings/{booking_id}/invitation:accept", comes)
    assert accepted.status_code == 200, accepted.text
    declined = call(platform, "POST", f"/api/bookings/bookings/{booking_id}/invitation:decline", skips)
    assert declined.status_code == 200, declined.text
    assert skips not in declined.json()["booking"]["participant_ids"]
    again = call(platform, "POST", f"/api/bookings/bookings/{booking_id}/invitation:accept", skips)
    assert again.status_code == 400 and "invite you again" in again.json()["message"]
    assert call(platform, "POST", f"/api/bookings/bookings/{booking_id}/invitation:accept", new_user()).status_code == 403

    # The booker hears each answer, by name.
    answers = inbox(platform, booker, 3)[1:]
    assert [(m["kind"], m["title"].split(" ")[0]) for m in answers] == [("invitation_accepted", "Comes"),
                                                                        ("invitation_declined", "Skips")]
    seen = call(platform, "GET", f"/api/bookings/bookings/{booking_id}", booker).json()["booking"]
    assert seen["invited"] is False
    assert {i["player_id"]: i["state"] for i in seen["invitations"]} == {
        comes: "INVITATION_STATE_ACCEPTED", skips: "INVITATION_STATE_DECLINED"}
    # The declined seat is offered to someone else.
    offered = call(platform, "PUT", f"/api/bookings/bookings/{booking_id}", booker,
                   json={"participant_ids": [comes, instead], "update_mask": "participant_ids"})
    assert offered.status_code == 200, offered.text
    assert {i["player_id"]: i["state"] for i in offered.json()["booking"]["invitations"]} == {
        comes: "INVITATION_STATE_ACCEPTED", skips: "INVITATION_STATE_DECLINED", instead: "INVITATION_STATE_PENDING"}


def test_my_bookings_show_live_games_by_default_and_cancelled_and_past_apart(platform):
    player = new_user()
    venue = create_venue(platform, new_user())
    court, day = venue["courts"][0]["court_id"], local_day(5)
    kept = book(platform, player, court, day, "10:00").json()["booking"]["booking_id"]
    dropped = book(platform, player, court, day, "12:00").json()["booking"]["booking_id"]
    assert call(platform, "POST", f"/api/bookings/bookings/{dropped}/cancel", player, json={}).status_code == 200

    def listed(**params) -> list[str]:
        answer = call(platform, "GET", "/api/bookings/bookings", player, params=params)
        assert answer.status_code == 200, answer.text
        return [b["booking_id"] for b in answer.json().get("bookings", [])]

    assert listed() == [kept]
    assert listed(filter="BOOKING_FILTER_UPCOMING") == [kept]
    assert listed(filter="BOOKING_FILTER_CANCELLED") == [dropped]
    assert listed(filter="BOOKING_FILTER_PAST") == []


def test_the_cancellation_fee_is_shown_before_cancelling(platform):
    player = new_user()
    # Free until 30 days before the start, 25 % after; the default 10-minute grace after booking.
    venue = create_venue(platform, new_user(), cancellation_policy={"free_until_hours": 720, "late_fee_percent": 25})
    assert venue["cancellation_policy"]["grace_minutes"] == 10
    made = book(platform, player, venue["courts"][0]["court_id"], local_day(2), "10:00")
    assert made.status_code == 200, made.text
    booking_id = made.json()["booking"]["booking_id"]
    preview = call(platform, "GET", f"/api/bookings/bookings/{booking_id}/cancellation", player)
    assert preview.status_code == 200, preview.text
    quote = preview.json()["preview"]
    # Late by the policy, but just booked: inside the grace period, free.
    assert quote["free"] is True and quote["fee"]["amount_paisa"] == "0"
    assert quote["note"].startswith("Cancelling now is free (until ") and quote["free_until"]

    strict = create_venue(platform, new_user(), cancellation_policy={"free_until_hours": 720, "late_fee_percent": 25,
                                                                     "grace_minutes": 0})
    late = book(platform, player, strict["courts"][0]["court_id"], local_day(2), "10:00").json()["booking"]
    quote = call(platform, "GET", f"/api/bookings/bookings/{late['booking_id']}/cancellation", player).json()["preview"]
    assert quote["free"] is False and quote["fee"]["amount_paisa"] == "150000" and "free_until" not in quote
    assert quote["note"] == "Cancelling now costs Rs 1,500, fee due at the venue" and quote["fee_due_at_venue"] is True
    cancelled = call(platform, "POST", f"/api/bookings/bookings/{late['booking_id']}/cancel", player, json={})
    assert cancelled.json()["booking"]["cancellation"]["fee"]["amount_paisa"] == "150000"
    assert call(platform, "GET", f"/api/bookings/bookings/{late['booking_id']}/cancellation",
                new_user()).status_code == 403

    # A venue paid online in full (holding bookings until paid): the fee of a confirmed booking is kept
    # back of what was paid, nothing is due at the venue (payment_svc tells booking_svc how it is paid).
    owner = new_user()
    online = create_venue(platform, owner, confirmation_mode="CONFIRMATION_MODE_MANUAL",
                          cancellation_policy={"free_until_hours": 720, "late_fee_percent": 25, "grace_minutes": 0})
    paid = call(platform, "PUT", f"/api/payments/venues/{online['venue_id']}/payment", owner, ("venue_owner",),
                json={"mode": "PAYMENT_MODE_FULL"})
    assert paid.status_code == 200, paid.text
    day = local_day(3)

    def online_quote() -> dict | None:
        made = book(platform, player, online["courts"][0]["court_id"], day, "10:00").json()["booking"]
        assert call(platform, "POST", f"/api/bookings/bookings/{made['booking_id']}/confirm", owner,
                    ("venue_owner",)).status_code == 200
        quote = call(platform, "GET", f"/api/bookings/bookings/{made['booking_id']}/cancellation", player).json()["preview"]
        assert call(platform, "POST", f"/api/bookings/bookings/{made['booking_id']}/cancel", player,
                    json={}).status_code == 200
        return quote if not quote["fee_due_at_venue"] else None

    quote = eventually(online_quote, "booking_svc hears the venue is paid online", interval=0.5)
    assert quote["fee"]["amount_paisa"] == "150000"
    assert quote["note"] == "Cancelling now costs Rs 1,500, the venue's late-cancellation fee"


def a_phone() -> str:
    """A Pakistani mobile number nobody else registered."""
    return f"+92300{uuid.uuid4().int % 10**7:07d}"


def registered(platform, first: str, last: str, phone: str) -> str:
    """A player who registered with auth (UserRegistered tells booking_svc their name and phone)."""
    answer = requests.post(f"{platform.url}/api/auth/register", timeout=TIMEOUT, json={
        "email": f"p-{uuid.uuid4().hex[:10]}@example.com", "password": "a long padel password",
        "first_name": first, "last_name": last, "phone": phone})
    assert answer.status_code == 200, answer.text
    return answer.json()["account"]["user_id"]


def test_the_day_schedule_shows_who_plays_with_name_and_phone(platform):
    owner = new_user()
    venue = create_venue(platform, owner)
    booker = registered(platform, "Ayesha", "Malik", "+923001234567")
    friend = registered(platform, "Bilal", "Khan", "+923331112223")
    day = local_day(4)
    assert _known_to_users(platform, friend)
    made = requests.post(f"{platform.url}/api/bookings/book", headers=platform.headers(booker), timeout=TIMEOUT,
                         json={"court_id": venue["courts"][0]["court_id"], "start_time": iso(day, "18:00"),
                               "duration_minutes": 60, "participant_ids": [friend],
                               "idempotency_key": uuid.uuid4().hex})
    assert made.status_code == 200, made.text

    def who_plays() -> dict:
        answer = call(platform, "GET", f"/api/bookings/venues/{venue['venue_id']}/schedule", owner, ("venue_owner",),
                      params={"date": day.isoformat()})
        assert answer.status_code == 200, answer.text
        return {p["user_id"]: (p["name"], p["phone"]) for p in answer.json().get("players", [])}

    eventually(lambda: len(who_plays()) >= 2, "both players named")
    assert who_plays() == {booker: ("Ayesha Malik", "+923001234567"), friend: ("Bilal Khan", "+923331112223")}

    # The owner's messages name the player and their phone: a new booking, its cancellation, and at
    # a venue that confirms by hand a booking pending their confirmation (a hold that runs out:
    # test_a_hold_that_runs_out_is_cancelled_by_the_job_and_the_owner_told_it_expired).
    assert call(platform, "POST", f"/api/bookings/bookings/{made.json()['booking']['booking_id']}/cancel", booker,
                json={"reason": "injury"}).status_code == 200
    by_hand = create_venue(platform, owner, confirmation_mode="CONFIRMATION_MODE_MANUAL")
    assert book(platform, booker, by_hand["courts"][0]["court_id"], day, "10:00").status_code == 200
    told = inbox(platform, owner, 3)
    assert [m["kind"] for m in told] == ["venue_booking_new", "venue_booking_cancelled", "venue_booking_pending"]
    assert all("Ayesha Malik (+923001234567)" in m["body"] for m in told)
    assert "(injury)" in told[1]["body"]


def _known_to_users(platform, user_id: str) -> bool:
    """Whether user_svc has made the registered player's profile (it hears of them by event too)."""
    return eventually(lambda: call(platform, "GET", f"/api/users/{user_id}", new_user()).status_code == 200,
                      "user_svc makes the profile", interval=0.2)



def test_a_hold_that_runs_out_is_cancelled_by_the_job_and_the_owner_told_it_expired(platform):
    owner = new_user()
    venue = create_venue(platform, owner, confirmation_mode="CONFIRMATION_MODE_MANUAL", hold_minutes=30)
    booker = registered(platform, "Sana", "Qureshi", "+923004445566")
    assert _known_to_users(platform, booker)
    court, day = venue["courts"][0]["court_id"], local_day(3)
    made = book(platform, booker, court, day, "19:00")
    assert made.status_code == 200, made.text
    pending = made.json()["booking"]
    assert pending["status"] == "BOOKING_STATUS_PENDING"
    assert [m["kind"] for m in inbox(platform, owner, 1)] == ["venue_booking_pending"]

    def status() -> str:
        answer = call(platform, "GET", f"/api/bookings/bookings/{pending['booking_id']}", booker)
        assert answer.status_code == 200, answer.text
        return answer.json()["booking"]["status"]

    # A minute past the hold, unconfirmed: booking's job (every second on the test platform) cancels it.
    ran_out = dt.datetime.fromisoformat(pending["hold_expires_at"].replace("Z", "+00:00")) + dt.timedelta(minutes=1)
    with platform.clock_at(ran_out):
        assert eventually(lambda: status() == "BOOKING_STATUS_CANCELLED", "the job releases the hold", timeout=20)
        late = call(platform, "POST", f"/api/bookings/bookings/{pending['booking_id']}/confirm", owner,
                    ("venue_owner",), json={})
        assert late.status_code == 400, late.text  # too late to confirm: the court is free again
    assert "19:00" in free_starts(platform, venue["venue_id"], day)[court]
    told = inbox(platform, owner, 2)
    assert [m["kind"] for m in told] == ["venue_booking_pending", "venue_booking_expired"]
    assert told[1]["title"].startswith("Hold ran out: Court 1") and "Sana Qureshi (+923004445566)" in told[1]["body"]
    assert [m["kind"] for m in inbox(platform, booker, 2)] == ["booking_created", "booking_cancelled"]


def test_an_owner_marks_a_no_show_once_the_game_started_and_is_not_told_of_their_own_act(platform):
    owner, player = new_user(), new_user()
    venue = create_venue(platform, owner)
    day = local_day(2)
    made = book(platform, player, venue["courts"][0]["court_id"], day, "18:00")
    assert made.status_code == 200, made.text
    booking_id = made.json()["booking"]["booking_id"]
    no_show = f"/api/bookings/bookings/{booking_id}/no-show"
    early = call(platform, "POST", no_show, owner, ("venue_owner",), json={})
    assert early.status_code == 400 and early.json()["message"] == "cannot mark no_show before the game starts"

    with platform.clock_at(local_dt(day, "18:20")):
        assert call(platform, "POST", no_show, player, json={}).status_code == 403  # only the venue marks it
        marked = call(platform, "POST", no_show, owner, ("venue_owner",), json={})
        assert marked.status_code == 200, marked.text
        assert marked.json()["booking"]["status"] == "BOOKING_STATUS_NO_SHOW"
    assert told(platform, player, "booking_no_show")["title"] == f"Missed booking at {venue['name']}"
    # The player's message and the owner's would come from the one event: the owner's own act tells them
    # nothing. (The moved clock may also have released the player's reminder of the game.)
    assert [m["kind"] for m in inbox(platform, owner, 1)] == ["venue_booking_new"]


def test_the_owner_books_a_game_for_a_walk_in_customer_and_it_is_the_customers_own(platform):
    owner, phone = new_user(), a_phone()
    customer = registered(platform, "Hina", "Baig", phone)
    venue = create_venue(platform, owner)
    court, day = venue["courts"][0]["court_id"], local_day(2)
    body = {"court_id": court, "start_time": iso(day, "18:00"), "duration_minutes": 60,
            "idempotency_key": uuid.uuid4().hex}
    as_owner = ("venue_owner",)

    # Only the venue's owner books for someone else: a player, or another venue's owner, is refused.
    for someone, roles in ((new_user(), ("player",)), (new_user(), as_owner)):
        refused = call(platform, "POST", "/api/bookings/book", someone, roles, json={**body, "player_id": customer})
        assert refused.status_code == 403, refused.text
    # The customer is a registered player, named by id or by the phone they registered.
    for wrong, field in (({"player_id": new_user()}, "player_id"), ({"player_phone": a_phone()}, "player_phone"),
                         ({"player_id": customer, "player_phone": phone}, "player_phone")):
        answer = call(platform, "POST", "/api/bookings/book", owner, as_owner, json={**body, **wrong})
        assert answer.status_code == 400 and answer.json()["message"].startswith(f"{field}: "), answer.text
    assert "18:00" in free_starts(platform, venue["venue_id"], day)[court]  # nothing was booked

    def booked():  # booking_svc hears of a registered player by auth's event
        answer = call(platform, "POST", "/api/bookings/book", owner, as_owner, json={**body, "player_phone": phone})
        return answer if answer.status_code == 200 else None

    made = eventually(booked, "booking_svc knows the registered customer").json()["booking"]
    assert made["player_id"] == customer and made["status"] == "BOOKING_STATUS_CONFIRMED"
    again = call(platform, "POST", "/api/bookings/book", owner, as_owner, json={**body, "player_phone": phone})
    assert again.json()["booking"]["booking_id"] == made["booking_id"]  # the same key books once

    # The customer sees it as theirs and hears it is confirmed; the owner holds no booking of their own.
    theirs = call(platform, "GET", "/api/bookings/bookings", customer).json()["bookings"]
    assert [b["booking_id"] for b in theirs] == [made["booking_id"]]
    assert not call(platform, "GET", "/api/bookings/bookings", owner, as_owner).json().get("bookings")
    assert told(platform, customer, "booking_confirmed")["title"].startswith("Booking confirmed")
    # The owner is not told of their own act, only of the game the customer books themself later
    # (told in the order booked, so the walk-in's message would have come first).
    own = book(platform, customer, court, day, "20:00")
    assert own.status_code == 200, own.text
    [new] = inbox(platform, owner, 1)
    assert new["kind"] == "venue_booking_new" and new["title"].endswith(" 20:00")

    # The customer cancels it as its player (the policy counts it as theirs).
    cancelled = call(platform, "POST", f"/api/bookings/bookings/{made['booking_id']}/cancel", customer, json={})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["booking"]["status"] == "BOOKING_STATUS_CANCELLED"
    assert cancelled.json()["booking"]["cancellation"]["cancelled_by"] == customer
