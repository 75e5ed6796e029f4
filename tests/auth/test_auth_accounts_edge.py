"""What a newcomer meets at registration and in their account, through the real Envoy edge: the
register answer says signing in comes next, a bad phone is refused in words, the data export holds
the caller's own sign-ins, the one archive holds what every service keeps about them, and `padel run`
prints a demo venue owner who can sign in and owns the demo venues."""

import datetime as dt
import io
import json
import re
import uuid
import zipfile

import pytest
import requests
from test_auth_edge import PASSWORD, get, new_player, post, status

from mesh.settings import DEMO_OWNER_ID
from padel_testkit import eventually


def registration(email: str, **fields) -> dict:
    return {"email": email, "password": PASSWORD, "first_name": "Zara", "last_name": "Iqbal", **fields}


def test_registration_says_signing_in_comes_next_and_returns_no_tokens(platform):
    email = f"player-{uuid.uuid4().hex[:10]}@example.com"
    new = status(post(platform, "/api/auth/register", registration(email)), 200)
    again = status(post(platform, "/api/auth/register", registration(email)), 200)
    for answer in (new, again):  # an existing email is answered exactly as a new one
        assert answer.keys() == {"account", "next_step", "message"}  # no tokens: nobody is signed in
        assert answer["next_step"] == "NEXT_STEP_SIGN_IN"
        assert "Sign in" in answer["message"] and "/api/auth/login" in answer["message"]
    assert new["message"] == again["message"]
    status(post(platform, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)


@pytest.mark.parametrize("phone", ["03001234567", "+92300123456", "+9230012345678", "+44 20 7946 0958"])
def test_a_bad_phone_is_refused_naming_the_expected_form(platform, phone):
    email = f"player-{uuid.uuid4().hex[:10]}@example.com"
    refused = status(post(platform, "/api/auth/register", registration(email, phone=phone)), 400)
    [violation] = [v for d in refused["details"] for v in d.get("field_violations", []) if v["field"] == "phone"]
    assert "+92 and 10 digits" in violation["description"], violation
    assert not re.search(r"[\[\]^$\\]", violation["description"]), violation  # words, not a regular expression
    assert "+92 and 10 digits" in refused["message"]
    status(post(platform, "/api/auth/login", {"email": email, "password": PASSWORD}), 401)  # nothing was created


def test_the_export_holds_the_callers_sign_ins_and_nobody_elses(running):
    email, account = new_player(running)
    other, _ = new_player(running)
    status(post(running, "/api/auth/login", {"email": email, "password": "not my password"}), 401)
    tokens = status(post(running, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]
    status(post(running, "/api/auth/login", {"email": other, "password": PASSWORD}), 200)
    status(post(running, "/api/auth/login", {"email": other, "password": "not their password"}), 401)
    renewed = status(post(running, "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}), 200)["tokens"]

    export = status(get(running, "/api/auth/account/export", renewed["access_token"]), 200)
    assert export["account"] == {**account, "email_verified": False}
    assert export["account"]["phone"] == "+923001234567" and export["account"]["roles"] == ["ROLE_PLAYER"]
    assert export["password_set"] is True and export["google_linked"] is False
    history = [(s["method"], s["outcome"]) for s in export["sign_ins"]]
    assert history == [("SIGN_IN_METHOD_REFRESH", "SIGN_IN_OUTCOME_SUCCEEDED"),  # newest first
                       ("SIGN_IN_METHOD_PASSWORD", "SIGN_IN_OUTCOME_SUCCEEDED"),
                       ("SIGN_IN_METHOD_PASSWORD", "SIGN_IN_OUTCOME_WRONG_PASSWORD")]
    assert {s["client_address"] for s in export["sign_ins"]} == {"127.0.0.1"}  # as the edge saw the client
    times = [dt.datetime.fromisoformat(s["signed_in_at"].replace("Z", "+00:00")) for s in export["sign_ins"]]
    assert times == sorted(times, reverse=True) and times[0] <= dt.datetime.now(dt.timezone.utc)

    # The spent refresh token again: the session ends, and the history says so.
    status(post(running, "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}), 401)
    fresh = status(post(running, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]
    latest = status(get(running, "/api/auth/account/export", fresh["access_token"]), 200)["sign_ins"]
    assert [(s["method"], s["outcome"]) for s in latest[:2]] == [
        ("SIGN_IN_METHOD_PASSWORD", "SIGN_IN_OUTCOME_SUCCEEDED"),
        ("SIGN_IN_METHOD_REFRESH", "SIGN_IN_OUTCOME_REFRESH_REPLAYED")]
    assert len(latest) == 5
    status(get(running, "/api/auth/account/export"), 401)  # the edge wants a token


def signed_in(platform) -> tuple[str, dict]:
    """A new registered player's email and access token."""
    email, _ = new_player(platform)
    return email, status(post(platform, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]


def rest(platform, verb: str, path: str, token: str, **body) -> dict:
    answer = requests.request(verb, f"{platform.url}{path}", json=body or None, timeout=10,
                              headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_archive_holds_what_every_service_keeps_about_the_caller_and_nobody_elses(platform):
    email, tokens = signed_in(platform)
    _, others = signed_in(platform)
    me, them = tokens["access_token"], others["access_token"]
    owner = platform.headers(str(uuid.uuid4()), roles=("venue_owner",))["authorization"].removeprefix("Bearer ")
    venue = rest(platform, "POST", "/api/bookings/venues", owner, venue={
        "name": f"Archive Padel {uuid.uuid4().hex[:6]}", "city": "Karachi", "address": "Clifton",
        "time_zone": "Asia/Karachi",
        "opening_hours": [{"weekday": w, "open": "08:00", "close": "23:00"} for w in range(1, 8)],
        "slot_minutes": 30, "durations_minutes": [60], "horizon_days": 14,
        "confirmation_mode": "CONFIRMATION_MODE_INSTANT", "hold_minutes": 15, "max_live_bookings_per_day": 2,
        "base_hourly_price": {"amount_paisa": "600000", "currency": "PKR"}, "courts": [{"name": "Court 1"}]})["venue"]
    day = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)).date()
    starts = [f"{day}T{hour}:00:00Z" for hour in (5, 7)]  # 10:00 and 12:00 in Karachi
    mine, theirs = (rest(platform, "POST", "/api/bookings/book", token, court_id=venue["courts"][0]["court_id"],
                         start_time=start, duration_minutes=60, idempotency_key=uuid.uuid4().hex)["booking"]
                    for token, start in ((me, starts[0]), (them, starts[1])))
    rest(platform, "PUT", "/api/users/profile", me, profile={"display_name": "Sara K"}, update_mask="display_name")
    rest(platform, "POST", "/api/matches/questionnaire", me, years_played=4, self_assessment=3.0)

    def archive() -> dict | None:
        """The archive's files once notify and payment have heard of the booking (by events)."""
        answer = requests.get(f"{platform.url}/api/users/export/archive", timeout=20,
                              headers={"authorization": f"Bearer {me}"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/zip"
        assert answer.headers["content-disposition"].startswith('attachment; filename="padel-data-')
        with zipfile.ZipFile(io.BytesIO(answer.content)) as made:
            files = {name: made.read(name).decode() for name in made.namelist()}
        parts = {name.removesuffix(".json"): json.loads(text) for name, text in files.items() if name.endswith(".json")}
        heard = parts["notify"].get("messages") and parts["payment"].get("bills")
        return {**parts, "README.txt": files["README.txt"], "text": "".join(files.values())} if heard else None

    parts = eventually(archive, "notify and payment hear of the booking")
    assert parts["auth"]["account"]["email"] == email and parts["auth"]["sign_ins"]
    assert parts["user"]["profile"]["display_name"] == "Sara K"
    assert [b["booking_id"] for b in parts["booking"]["bookings"]] == [mine["booking_id"]]
    assert [m["kind"] for m in parts["notify"]["messages"]] == ["booking_confirmed"]
    assert "booking_confirmed" in {d["kind"] for d in parts["notify"]["deliveries"]}  # the email's log entry
    assert [b["booking_id"] for b in parts["payment"]["bills"]] == [mine["booking_id"]]
    assert parts["match"]["level"]["level"] > 0 and len(parts["match"]["level_history"]) == 1
    assert "booking.json: your bookings" in parts["README.txt"]
    assert theirs["booking_id"] not in parts["text"]  # another person's booking is in no file
    # Each part is also its service's own export, under the service's prefix.
    for service, path, key in (("booking", "/api/bookings/export", "bookings"),
                               ("notify", "/api/notifications/export", "messages"),
                               ("payment", "/api/payments/export", "bills"), ("match", "/api/matches/export", "level")):
        assert rest(platform, "GET", path, me)[key] == parts[service][key], path
    assert requests.get(f"{platform.url}/api/users/export/archive", timeout=10).status_code == 401


def demo_owner_credentials(platform) -> tuple[str, str]:
    """The demo venue owner's email and password, as `padel run` printed them."""
    printed = re.search(r"demo venue owner +(\S+) +password (\S+) +\(owns the demo venues",
                        (platform.data_dir / "launcher.log").read_text())
    assert printed, "padel run printed no demo venue owner"
    return printed.group(1), printed.group(2)


def test_the_demo_owner_padel_run_prints_signs_in_and_owns_the_demo_venues(platform):
    email, password = demo_owner_credentials(platform)
    signed_in = status(post(platform, "/api/auth/login", {"email": email, "password": password}), 200)
    owner = signed_in["account"]
    assert owner["user_id"] == DEMO_OWNER_ID and owner["email_verified"]
    assert owner["roles"] == ["ROLE_PLAYER", "ROLE_VENUE_OWNER"]
    venues = status(get(platform, "/api/bookings/venues?city=Karachi"), 200)["venues"]
    [club] = [v for v in venues if v["name"] == "Clifton Padel Club"]
    assert club["owner_id"] == owner["user_id"]
    schedule = f"/api/bookings/venues/{club['venue_id']}/schedule?date={dt.date.today() + dt.timedelta(days=1)}"
    status(get(platform, schedule, signed_in["tokens"]["access_token"]), 200)  # the owner's side works at once
    player = status(post(platform, "/api/auth/login", {"email": new_player(platform)[0], "password": PASSWORD}), 200)
    status(get(platform, schedule, player["tokens"]["access_token"]), 403)
