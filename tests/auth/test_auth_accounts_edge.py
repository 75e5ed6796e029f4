"""What a newcomer meets at registration and in their account, through the real Envoy edge: the
register answer says signing in comes next, a bad phone is refused in words, the data export holds
the caller's own sign-ins, and `padel run` prints a demo venue owner who can sign in and owns the
demo venues."""

import datetime as dt
import re
import uuid

import pytest
import requests
from test_auth_edge import PASSWORD, get, new_player, post, running, status  # noqa: F401 - `running` is a fixture

from mesh.settings import DEMO_OWNER_ID


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
