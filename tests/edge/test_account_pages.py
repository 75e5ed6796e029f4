"""The links in auth's emails open pages the edge serves itself, and the calls those pages make work:
a real registration's verification link, a real reset link and the forgot-password link of a
repeated registration, taken from the emails the platform wrote to its outbox folder, through the
real Envoy edge."""

import base64
import email
import email.policy
import hashlib
import re
import time
import urllib.parse
import uuid

import pytest
import requests

PASSWORD = "a long padel password"


def emailed_link(platform, address: str, path: str, with_token: bool = True) -> str:
    """The link to `path` in the newest email to `address` that has one (notify writes each email
    as an .eml file into the data folder's outbox when no SMTP server is configured)."""
    query = r"\?token=[A-Za-z0-9_-]+" if with_token else r"(?![?\w/-])"
    pattern = re.compile(rf"https?://[^\s\"'<>]+{re.escape(path)}{query}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for mail in sorted((platform.data_dir / "outbox").glob("*-email-*.eml"), reverse=True):
            message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]):
                texts = [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
                found = pattern.search("\n".join(texts))
                if found:
                    return found.group(0)
        time.sleep(0.2)
    pytest.fail(f"no email to {address} with a {path} link in {platform.data_dir / 'outbox'}")


def register(platform) -> str:
    address = f"player-{uuid.uuid4().hex[:10]}@example.com"
    answer = requests.post(f"{platform.url}/api/auth/register", timeout=10, json={
        "email": address, "password": PASSWORD, "first_name": "Mahnoor", "last_name": "Shah"})
    assert answer.status_code == 200, answer.text
    return address


def open_page(link: str) -> tuple[requests.Response, str]:
    """GET the link as a browser would; returns the answer and the page's inline script."""
    page = requests.get(link, timeout=10)
    assert page.status_code == 200, page.text[:300]
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    assert not re.search(r"(?:src|href)=", page.text)  # nothing fetched from elsewhere: no CDN
    [script] = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    # The browser runs the inline script only because the page's policy names its hash.
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page.headers["content-security-policy"]
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    return page, script


def called_route(link: str, script: str, route: str) -> str:
    """The URL the page's script posts to, resolved against the page's own address as fetch() does."""
    assert f'"{route}"' in script, script
    return urllib.parse.urljoin(link, route)


def token_of(link: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]


def test_the_verification_link_opens_a_page_that_verifies_the_email(platform):
    address = register(platform)
    link = emailed_link(platform, address, "/verify-email")
    assert link.startswith(f"{platform.url}/verify-email?token=")
    page, script = open_page(link)
    assert "Verify your email" in page.text and "URLSearchParams(window.location.search)" in script
    route = called_route(link, script, "api/auth/verify-email")
    assert route == f"{platform.url}/api/auth/verify-email"
    verified = requests.post(route, json={"token": token_of(link)}, timeout=10)
    assert verified.status_code == 200, verified.text
    assert verified.json()["account"]["email"] == address and verified.json()["account"]["email_verified"]
    # The link a second time: the page shows the server's reason, which names the link.
    again = requests.post(route, json={"token": token_of(link)}, timeout=10)
    assert again.status_code == 400 and again.json()["message"] == "token: invalid, expired or already used"


def test_the_reset_link_opens_a_form_that_sets_the_new_password(platform):
    address = register(platform)
    asked = requests.post(f"{platform.url}/api/auth/forgot-password", json={"email": address}, timeout=10)
    assert asked.status_code == 200, asked.text
    link = emailed_link(platform, address, "/reset-password")
    page, script = open_page(link)
    assert re.search(r'<input id="new_password" name="new_password" type="password"', page.text)
    assert '<form id="reset">' in page.text and "form.addEventListener(\"submit\"" in script
    route = called_route(link, script, "api/auth/reset-password")
    # A password the server refuses: the page shows the field violation's own words.
    refused = requests.post(route, json={"token": token_of(link), "new_password": "password123"}, timeout=10)
    assert refused.status_code == 400, refused.text
    [violation] = [v for d in refused.json()["details"] for v in d.get("field_violations", [])]
    assert violation["field"] == "new_password" and "common" in violation["description"]
    assert "field_violations" in script and "v.description" in script
    changed = requests.post(route, json={"token": token_of(link), "new_password": "a new padel password"}, timeout=10)
    assert changed.status_code == 200, changed.text
    signed_in = requests.post(f"{platform.url}/api/auth/login", timeout=10,
                              json={"email": address, "password": "a new padel password"})
    assert signed_in.status_code == 200, signed_in.text


def test_the_link_of_a_repeated_registration_opens_a_page_that_sends_a_reset_link(platform):
    address = register(platform)
    again = requests.post(f"{platform.url}/api/auth/register", timeout=10, json={
        "email": address, "password": "another padel password", "first_name": "M", "last_name": "S"})
    assert again.status_code == 200, again.text
    link = emailed_link(platform, address, "/forgot-password", with_token=False)
    assert link == f"{platform.url}/forgot-password"
    page, script = open_page(link)
    assert re.search(r'<input id="email" name="email" type="email"', page.text)
    route = called_route(link, script, "api/auth/forgot-password")
    assert "form.elements.email.value" in script
    asked = requests.post(route, json={"email": address}, timeout=10)
    assert asked.status_code == 200, asked.text
    assert token_of(emailed_link(platform, address, "/reset-password"))  # the reset link arrives


def test_the_pages_open_without_a_token_and_take_no_other_query(platform):
    for path in ("/verify-email", "/reset-password"):
        page, script = open_page(f"{platform.url}{path}")
        assert "This link has no token" in script  # the page says what is wrong instead of failing
        unknown = requests.get(f"{platform.url}{path}?token=x&next=https://evil.example", timeout=10)
        assert unknown.status_code == 400 and unknown.json()["code"] == 3


def test_the_share_payment_link_opens_a_page_that_signs_in_shows_the_share_and_starts_the_checkout(platform):
    booking_id = str(uuid.uuid4())
    link = f"{platform.url}/bookings/{booking_id}/pay"  # notify's share-payment request (issue 14)
    page, script = open_page(link)
    assert "Pay your share" in page.text and f"<code>{booking_id}</code>" in page.text
    assert re.search(r'<input id="password" name="password" type="password"', page.text)
    assert '<option value="WALLET_JAZZCASH">JazzCash</option>' in page.text
    assert '<option value="WALLET_EASYPAISA">Easypaisa</option>' in page.text
    assert re.search(r'<input id="mobile_number" name="mobile_number" type="tel"', page.text)
    # The form goes to the wallet's own page, wherever payments' configuration puts it.
    assert "form-action *" in page.headers["content-security-policy"]
    assert "wallet.action = body.checkout.url" in script and "wallet.submit()" in script
    login = called_route(link, script, "../../api/auth/login")
    assert login == f"{platform.url}/api/auth/login"
    bill = called_route(link, script, "../../api/payments/bookings/") + booking_id
    assert bill == f"{platform.url}/api/payments/bookings/{booking_id}"
    assert 'BILL + "/checkout"' in script
    # A membership plan's bill: the page asks booking what it pays for and says so.
    paid_for = called_route(link, script, "../../api/bookings/membership-payments/") + booking_id
    assert paid_for == f"{platform.url}/api/bookings/membership-payments/{booking_id}"
    assert 'heading.textContent = "Pay your membership"' in script
    assert '"Membership plan " + due.plan.name + " at " + due.venue_name' in script
    # The calls the page makes answer at those addresses: a real sign-in, then the bill and the
    # checkout refuse a booking that is not the player's in words the page shows.
    address = register(platform)
    signed_in = requests.post(login, json={"email": address, "password": PASSWORD}, timeout=10)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["tokens"]["access_token"] and signed_in.json()["account"]["user_id"]
    bearer = {"authorization": f"Bearer {signed_in.json()['tokens']['access_token']}"}
    shown = requests.get(bill, headers=bearer, timeout=10)
    assert shown.status_code == 404 and shown.json()["message"], shown.text
    started = requests.post(f"{bill}/checkout", headers=bearer, timeout=10,
                            json={"wallet": "WALLET_JAZZCASH", "mobile_number": "03001234567"})
    assert started.status_code == 400 and "has not heard of this booking" in started.json()["message"], started.text
    unknown = requests.get(paid_for, headers=bearer, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["message"], unknown.text
    assert "body.message" in script and "access_token" in script
    # A link that names no booking is refused, naming the field.
    wrong = requests.get(f"{platform.url}/bookings/not-a-booking/pay", timeout=10)
    assert wrong.status_code == 400 and "booking_id" in wrong.json()["message"], wrong.text
