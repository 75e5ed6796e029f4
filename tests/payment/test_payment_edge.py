"""Paying for courts through the real Envoy edge, with the provider stand-in that `padel run` starts:
a split between four players, callbacks forged, replayed and with a wrong amount, a provider
outage, and refunds per share after a cancellation."""

import datetime as dt
import html.parser
import sqlite3
import urllib.parse
import uuid
from zoneinfo import ZoneInfo

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from padel_testkit import eventually
from payment_svc.providers import jazzcash
from payment_svc.settings import STANDIN_JAZZCASH

TIMEOUT = 10
KARACHI = ZoneInfo("Asia/Karachi")
SALT = STANDIN_JAZZCASH[2]
# The stand-in's scripts, by the wallet's number (payment_svc.standin).
PAYS, DECLINES, PENDING_THEN_PAYS, TIMES_OUT, DOWN_THEN_PAYS = (f"0300000000{n}" for n in "12345")
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def new_user() -> str:
    return str(uuid.uuid4())


def counted(platform, service: str, name: str, **labels: str) -> float:
    """A counter's value on the service's /metrics (0 before its first count)."""
    text = requests.get(platform.metrics_url(service), timeout=TIMEOUT).text
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == name and labels.items() <= sample.labels.items())


class Court:
    """A court at a venue where bookings wait for payment (manual confirmation, a 30-minute hold),
    an hour costs PKR 6,001 (so four shares do not divide evenly), a late cancellation costs 50%, and
    the owner asks for the whole price online."""

    def __init__(self, platform, opens: str = "06:00", closes: str = "23:00"):
        self.platform = platform
        self.owner = new_user()
        venue = {
            "name": f"Pay Padel {uuid.uuid4().hex[:6]}", "city": "Lahore", "address": "Gulberg III",
            "time_zone": "Asia/Karachi", "slot_minutes": 60, "durations_minutes": [60], "horizon_days": 14,
            "opening_hours": [{"weekday": f"WEEKDAY_{d}", "open": opens, "close": closes} for d in WEEKDAYS],
            "cancellation_policy": {"free_until_hours": 720, "late_fee_percent": 50, "grace_minutes": 0},
            "confirmation_mode": "CONFIRMATION_MODE_MANUAL", "hold_minutes": 30, "max_live_bookings_per_day": 20,
            "base_hourly_price": {"amount_paisa": "600100", "currency": "PKR"}, "courts": [{"name": "Court 1"}]}
        answer = requests.post(f"{platform.url}/api/bookings/venues", json={"venue": venue}, timeout=TIMEOUT,
                               headers=platform.headers(self.owner, roles=("venue_owner",)))
        assert answer.status_code == 200, answer.text
        self.venue_id, self.venue_name = answer.json()["venue"]["venue_id"], venue["name"]
        self.court_id = answer.json()["venue"]["courts"][0]["court_id"]
        self.set_payment({"mode": "PAYMENT_MODE_FULL"})
        self.next_hour = 6
        self.day = dt.datetime.now(KARACHI).date() + dt.timedelta(days=3)

    def set_payment(self, body: dict, user: str | None = None, expect: int = 200) -> requests.Response:
        answer = requests.put(f"{self.platform.url}/api/payments/venues/{self.venue_id}/payment", json=body,
                              headers=self.platform.headers(user or self.owner, roles=("venue_owner",)),
                              timeout=TIMEOUT)
        assert answer.status_code == expect, answer.text
        return answer

    def book(self, booker: str, friends: list[str], start: dt.datetime | None = None) -> str:
        for friend in friends:
            self.platform.known_player(friend)
        if start is None:
            start = dt.datetime.combine(self.day, dt.time(self.next_hour), tzinfo=KARACHI)
            self.next_hour += 1
        answer = requests.post(f"{self.platform.url}/api/bookings/book", headers=self.platform.headers(booker),
                               timeout=TIMEOUT, json={
                                   "court_id": self.court_id, "duration_minutes": 60, "participant_ids": friends,
                                   "start_time": start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                   "idempotency_key": uuid.uuid4().hex})
        assert answer.status_code == 200, answer.text
        assert answer.json()["booking"]["status"] == "BOOKING_STATUS_PENDING"
        return answer.json()["booking"]["booking_id"]


@pytest.fixture(scope="module")
def court(pay_platform) -> Court:
    return Court(pay_platform)


def bill(platform, booking_id: str, user: str) -> requests.Response:
    return requests.get(f"{platform.url}/api/payments/bookings/{booking_id}", headers=platform.headers(user),
                        timeout=TIMEOUT)


def bill_when_ready(platform, booking_id: str, user: str) -> dict:
    """The bill, once payments has heard of the booking (BookingCreated comes as an event)."""
    answer = eventually(lambda: (r := bill(platform, booking_id, user)).status_code == 200 and r,
                        "the booking's bill exists")
    return answer.json()["bill"]


def booked(platform, court: Court, *friends: str) -> tuple[str, str]:
    """(booker, booking id) of a new booking with `friends` invited, once its bill exists."""
    booker = new_user()
    booking_id = court.book(booker, list(friends))
    bill_when_ready(platform, booking_id, booker)
    return booker, booking_id


def pay(platform, booking_id: str, user: str, number: str = PAYS, wallet="WALLET_JAZZCASH", cover="PAY_COVER_SHARE"):
    return requests.post(f"{platform.url}/api/payments/bookings/{booking_id}/pay", headers=platform.headers(user),
                         timeout=TIMEOUT, json={"wallet": wallet, "mobile_number": number, "cnic_last_six": "345678",
                                                "cover": cover})


def payment(platform, payment_id: str, user: str) -> dict:
    answer = requests.get(f"{platform.url}/api/payments/payments/{payment_id}", headers=platform.headers(user),
                          timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()["payment"]


def booking_status(platform, booking_id: str, user: str) -> str:
    answer = requests.get(f"{platform.url}/api/bookings/bookings/{booking_id}", headers=platform.headers(user),
                          timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()["booking"]["status"]


def paisa(money: dict) -> int:
    return int(money.get("amount_paisa", 0))


def jazzcash_callback(platform, fields: dict) -> requests.Response:
    return requests.post(f"{platform.url}/api/payments/callbacks/jazzcash", data=fields, timeout=TIMEOUT)


def test_four_players_split_three_pay_and_the_fourth_share_falls_to_the_booker(pay_platform, court):
    booker, friends = new_user(), [new_user() for _ in range(3)]
    booking_id = court.book(booker, friends)
    shares = {s["player_id"]: s for s in bill_when_ready(pay_platform, booking_id, booker)["shares"]}
    # PKR 6,001 in four: the booker's share carries the paisa that do not divide evenly.
    assert [paisa(shares[p]["amount"]) for p in (booker, *friends)] == [150025, 150025, 150025, 150025]

    for player, number in ((booker, PAYS), (friends[0], PAYS), (friends[1], PAYS)):
        answer = pay(pay_platform, booking_id, player, number)
        assert answer.status_code == 200, answer.text
        assert answer.json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"
        assert paisa(answer.json()["payment"]["amount"]) == 150025
    assert booking_status(pay_platform, booking_id, booker) == "BOOKING_STATUS_PENDING"

    # The fourth player never pays: after the deadline the share is the booker's to pay, and the
    # booker sees it as owed.
    owed = eventually(lambda: (b := bill_when_ready(pay_platform, booking_id, booker))
                      and paisa(b["owed_by_booker"]) == 150025 and b, "the unpaid share falls to the booker")
    fourth = next(s for s in owed["shares"] if s["player_id"] == friends[2])
    assert fourth["status"] == "SHARE_STATUS_OWED_BY_BOOKER"
    assert paisa(owed["due"]) == 150025 and paisa(owed["paid"]) == 3 * 150025

    answer = pay(pay_platform, booking_id, booker, PAYS, wallet="WALLET_EASYPAISA")
    assert answer.status_code == 200, answer.text
    assert answer.json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"
    assert answer.json()["payment"]["share_ids"] == [fourth["share_id"]]
    # The whole price is in: PaymentCaptured confirms the pending booking.
    eventually(lambda: booking_status(pay_platform, booking_id, booker) == "BOOKING_STATUS_CONFIRMED",
               "booking_svc confirms the paid booking")
    final = bill_when_ready(pay_platform, booking_id, friends[0])
    assert paisa(final["paid"]) == 600100 and paisa(final["due"]) == 0 and paisa(final["owed_by_booker"]) == 0
    assert pay(pay_platform, booking_id, friends[2]).status_code == 400  # nothing left to pay
    assert bill(pay_platform, booking_id, new_user()).status_code == 404  # not a player of it: no bill of theirs


def test_a_members_payment_share_is_at_the_member_price_and_the_others_pay_the_guest_price(pay_platform, court):
    owner_headers = pay_platform.headers(court.owner, roles=("venue_owner",))
    plan = requests.post(f"{pay_platform.url}/api/bookings/venues/{court.venue_id}/membership-plans",
                         headers=owner_headers, timeout=TIMEOUT,
                         json={"plan": {"name": "Gold", "price": {"amount_paisa": "500000"},
                                        "period": "MEMBERSHIP_PERIOD_MONTHLY", "percent_off": 20}})
    assert plan.status_code == 200, plan.text
    booker, member, guests = new_user(), new_user(), [new_user(), new_user()]
    made = requests.post(f"{pay_platform.url}/api/bookings/venues/{court.venue_id}/members", headers=owner_headers,
                         timeout=TIMEOUT, json={"plan_id": plan.json()["plan"]["plan_id"], "player_id": member})
    assert made.status_code == 200, made.text

    booking_id = court.book(booker, [member, *guests])
    shares = {s["player_id"]: paisa(s["amount"]) for s in bill_when_ready(pay_platform, booking_id, booker)["shares"]}
    # PKR 6,001 in four (1,500.25 each): the member's own quarter is 20 % off (300.05); nobody else's.
    assert shares == {booker: 150025, member: 120020, guests[0]: 150025, guests[1]: 150025}
    answer = pay(pay_platform, booking_id, member)
    assert answer.status_code == 200, answer.text
    assert paisa(answer.json()["payment"]["amount"]) == 120020
    booking = requests.get(f"{pay_platform.url}/api/bookings/bookings/{booking_id}",
                           headers=pay_platform.headers(booker), timeout=TIMEOUT).json()["booking"]
    assert booking["price"]["amount_paisa"] == str(600100 - 30005)


def test_forged_replayed_and_wrong_amount_callbacks_are_refused_and_change_nothing(pay_platform, court):
    booker, booking_id = booked(pay_platform, court)
    answer = pay(pay_platform, booking_id, booker, PENDING_THEN_PAYS)
    assert answer.status_code == 200, answer.text
    attempt = answer.json()["payment"]
    assert attempt["status"] == "PAYMENT_STATUS_PENDING"
    reference, amount = attempt["transaction_reference"], paisa(attempt["amount"])
    success = {"pp_TxnRefNo": reference, "pp_Amount": str(amount), "pp_ResponseCode": "000",
               "pp_ResponseMessage": "Thank you for Using JazzCash", "pp_RetreivalReferenceNo": "FORGED1"}

    # Forged: signed with a salt that is not ours.
    forged = jazzcash_callback(pay_platform, jazzcash.signed(success, "not-the-salt"))
    assert forged.status_code == 403, forged.text
    # Unsigned, or the hash of the right salt over other values.
    assert jazzcash_callback(pay_platform, success).status_code == 403
    tampered = {**jazzcash.signed(success, SALT), "pp_Amount": "1"}
    assert jazzcash_callback(pay_platform, tampered).status_code == 403
    # Correctly signed, but for another amount than the attempt's.
    wrong_amount = jazzcash_callback(pay_platform, jazzcash.signed({**success, "pp_Amount": str(amount - 100)}, SALT))
    assert wrong_amount.status_code == 400, wrong_amount.text
    assert "amount" in wrong_amount.json()["message"]

    # The stand-in's real callback (a second after the pending answer) captures it, once.
    eventually(lambda: payment(pay_platform, attempt["payment_id"], booker)["status"] == "PAYMENT_STATUS_CAPTURED",
               "the provider's callback captures the payment")
    genuine = jazzcash.signed({**success, "pp_RetreivalReferenceNo": "RRN-REPLAY"}, SALT)
    first = jazzcash_callback(pay_platform, genuine)
    assert first.status_code == 200 and first.json()["status"] == "PAYMENT_STATUS_CAPTURED", first.text
    replayed = jazzcash_callback(pay_platform, genuine)
    assert replayed.status_code == 409, replayed.text
    # Counted once, for the right amount, by the provider's own callback (not a forged one).
    assert paisa(bill_when_ready(pay_platform, booking_id, booker)["paid"]) == 600100
    settled = payment(pay_platform, attempt["payment_id"], booker)
    assert paisa(settled["amount"]) == amount and settled["provider_reference"] not in ("FORGED1", "RRN-REPLAY")
    # The log writer writes in batches: the refusals' lines follow their answers by a moment.
    eventually(lambda: all(f'"reason": "{reason}"' in pay_platform.log("payment_svc") for reason in ("replayed", "amount")),
               "both refused callbacks logged with their reasons")
    log = pay_platform.log("payment_svc")
    assert "forged callback refused" in log
    assert SALT not in log and "standin-password" not in log


def test_an_easypaisa_notice_fetched_back_from_the_provider_counts_once(pay_platform, court):
    booker, booking_id = booked(pay_platform, court)
    answer = pay(pay_platform, booking_id, booker, PENDING_THEN_PAYS, wallet="WALLET_EASYPAISA")
    assert answer.status_code == 200, answer.text
    attempt = answer.json()["payment"]
    assert attempt["status"] == "PAYMENT_STATUS_PENDING"
    standin = f"http://127.0.0.1:{pay_platform.env['PADEL_PAYMENT_STANDIN_PORT']}"
    notice = f"{standin}/easypay-service/ipn/{attempt['transaction_reference']}"
    # The stand-in approves a second after the pending answer and sends its IPN (the inquiry job may
    # find the payment first); the PAID notice, fetched back from the stand-in, then counts once.
    eventually(lambda: payment(pay_platform, attempt["payment_id"], booker)["status"] == "PAYMENT_STATUS_CAPTURED",
               "the payment is captured")
    seen = []
    eventually(lambda: seen.append(requests.get(f"{pay_platform.url}/api/payments/callbacks/easypaisa",
                                                params={"url": notice}, timeout=TIMEOUT)) or seen[-1].status_code == 409,
               "the PAID notice again is refused as a replay")
    assert all(r.status_code == 409 or r.json()["status"] == "PAYMENT_STATUS_CAPTURED" for r in seen), seen
    assert paisa(bill_when_ready(pay_platform, booking_id, booker)["paid"]) == 600100


def test_a_provider_outage_leaves_the_payment_pending_and_the_inquiry_captures_it_once(pay_platform, court):
    booker, booking_id = booked(pay_platform, court, new_user())
    answer = pay(pay_platform, booking_id, booker, DOWN_THEN_PAYS, cover="PAY_COVER_ALL")
    assert answer.status_code == 200, answer.text
    attempt = answer.json()["payment"]
    assert attempt["status"] == "PAYMENT_STATUS_PENDING"  # the provider answered 503
    assert paisa(attempt["amount"]) == 600100
    # While it is pending the shares cannot be paid a second time.
    assert pay(pay_platform, booking_id, booker, PAYS, cover="PAY_COVER_ALL").status_code == 409
    # The first inquiry meets the outage as well; a later one finds the money moved.
    eventually(lambda: payment(pay_platform, attempt["payment_id"], booker)["status"] == "PAYMENT_STATUS_CAPTURED",
               "the inquiry job captures the payment")
    eventually(lambda: booking_status(pay_platform, booking_id, booker) == "BOOKING_STATUS_CONFIRMED",
               "booking_svc confirms the paid booking")
    final = bill_when_ready(pay_platform, booking_id, booker)
    assert paisa(final["paid"]) == 600100
    assert all(s["status"] == "SHARE_STATUS_PAID" for s in final["shares"])


def test_a_timed_out_payment_is_settled_by_inquiry(pay_platform, court):
    booker, booking_id = booked(pay_platform, court)
    answer = pay(pay_platform, booking_id, booker, TIMES_OUT, wallet="WALLET_EASYPAISA")
    assert answer.status_code == 200, answer.text
    assert answer.json()["payment"]["status"] == "PAYMENT_STATUS_PENDING"
    eventually(lambda: payment(pay_platform, answer.json()["payment"]["payment_id"], booker)["status"]
               == "PAYMENT_STATUS_CAPTURED", "the inquiry job captures the timed-out payment")
    assert paisa(bill_when_ready(pay_platform, booking_id, booker)["paid"]) == 600100


def booking_svc_takes_payment_online(platform, court: Court) -> bool:
    """Whether booking_svc heard of the venue's online payment (VenuePaymentChanged): holds made from
    then on await payment."""
    with sqlite3.connect(f"file:{platform.data_dir / 'booking.db'}?mode=ro", uri=True) as db:
        return db.execute("SELECT paid_at_venue FROM venues WHERE id = ?", (court.venue_id,)).fetchone() == (0,)


def test_a_player_holds_at_most_two_courts_awaiting_payment_and_paying_for_one_makes_room(pay_platform):
    clifton, gulberg = Court(pay_platform), Court(pay_platform)
    for court in (clifton, gulberg):
        eventually(lambda: booking_svc_takes_payment_online(pay_platform, court), "booking_svc hears of online payment")
    player = new_user()
    first = clifton.book(player, [])
    clifton.book(player, [])

    # A third court, at another venue, is refused while both wait for payment; nothing is booked.
    start = dt.datetime.combine(gulberg.day, dt.time(9), tzinfo=KARACHI).astimezone(dt.timezone.utc)
    request = {"court_id": gulberg.court_id, "duration_minutes": 60, "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "idempotency_key": uuid.uuid4().hex}
    refused = requests.post(f"{pay_platform.url}/api/bookings/book", headers=pay_platform.headers(player),
                            timeout=TIMEOUT, json=request)
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"] == ("you already hold 2 bookings awaiting payment; pay for one or let its hold "
                                         "run out before booking another (at most 2 at once)")
    assert [d["reason"] for d in refused.json()["details"] if "reason" in d] == ["UNPAID_HOLDS_LIMIT"]
    mine = requests.get(f"{pay_platform.url}/api/bookings/bookings", headers=pay_platform.headers(player),
                        timeout=TIMEOUT)
    assert {b["venue_id"] for b in mine.json()["bookings"]} == {clifton.venue_id}, mine.text

    # Paid in full, the first is confirmed, and the same request now holds the court.
    bill_when_ready(pay_platform, first, player)
    assert pay(pay_platform, first, player).json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"
    eventually(lambda: booking_status(pay_platform, first, player) == "BOOKING_STATUS_CONFIRMED", "paid: confirmed")
    again = requests.post(f"{pay_platform.url}/api/bookings/book", headers=pay_platform.headers(player),
                          timeout=TIMEOUT, json=request)
    assert again.status_code == 200, again.text
    assert again.json()["booking"]["status"] == "BOOKING_STATUS_PENDING"


def test_a_declined_wallet_takes_nothing(pay_platform, court):
    booker, booking_id = booked(pay_platform, court)
    answer = pay(pay_platform, booking_id, booker, DECLINES)
    assert answer.status_code == 200, answer.text
    eventually(lambda: payment(pay_platform, answer.json()["payment"]["payment_id"], booker)["status"]
               == "PAYMENT_STATUS_DECLINED", "the inquiry confirms the decline")
    assert paisa(bill_when_ready(pay_platform, booking_id, booker)["paid"]) == 0
    assert pay(pay_platform, booking_id, booker, PAYS).json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"


def test_a_cancellation_refunds_each_share_to_its_wallet_less_the_fee(pay_platform, court):
    friend = new_user()
    booker, booking_id = booked(pay_platform, court, friend)
    assert pay(pay_platform, booking_id, booker, PAYS).json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"
    assert pay(pay_platform, booking_id, friend, PAYS, wallet="WALLET_EASYPAISA").json()["payment"]["status"] \
        == "PAYMENT_STATUS_CAPTURED"
    eventually(lambda: booking_status(pay_platform, booking_id, booker) == "BOOKING_STATUS_CONFIRMED", "confirmed")
    refunds_before = counted(pay_platform, "payment", "padel_payment_refunded_paisa_total")
    given_back_before = counted(pay_platform, "booking", "padel_booking_refunded_paisa_total", venue_id=court.venue_id)

    # Three days ahead is inside the 720-hour window: the venue keeps 50%.
    cancelled = requests.post(f"{pay_platform.url}/api/bookings/bookings/{booking_id}/cancel", json={"reason": "rain"},
                              headers=pay_platform.headers(booker), timeout=TIMEOUT)
    assert cancelled.status_code == 200, cancelled.text
    assert paisa(cancelled.json()["booking"]["cancellation"]["fee"]) == 300050

    refunded = eventually(lambda: (b := bill_when_ready(pay_platform, booking_id, friend))
                          and all(s["status"] == "SHARE_STATUS_REFUNDED" for s in b["shares"]) and b,
                          "both shares are refunded")
    shares = {s["player_id"]: s for s in refunded["shares"]}
    # The booker cancelled late: the fee is kept from their share first, the friend's comes back whole.
    assert paisa(shares[booker]["refunded"]) == 0 and paisa(shares[booker]["fee"]) == 300050
    assert paisa(shares[friend]["refunded"]) == 300050 and paisa(shares[friend]["fee"]) == 0
    assert paisa(refunded["refunded"]) == 300050 and paisa(refunded["paid"]) == 300050
    assert paisa(refunded["due"]) == 0
    # Both sides count what went back, so their net revenue keeps only the fee.
    assert counted(pay_platform, "payment", "padel_payment_refunded_paisa_total") - refunds_before == 300050
    assert counted(pay_platform, "booking", "padel_booking_refunded_paisa_total", venue_id=court.venue_id) \
        - given_back_before == 300050

    report = requests.get(f"{pay_platform.url}/api/payments/venues/{court.venue_id}/payouts",
                          params={"date": court.day.isoformat()}, timeout=TIMEOUT,
                          headers=pay_platform.headers(court.owner, roles=("venue_owner",)))
    assert report.status_code == 200, report.text
    line = next(l for l in report.json()["lines"] if l["booking_id"] == booking_id)
    assert paisa(line["paid"]) == 600100 and paisa(line["refunded"]) == 300050 and paisa(line["fees"]) == 300050
    # The platform's 10% commission is on what the venue keeps (the fee), shown apart.
    assert paisa(line["commission"]) == 30005 and paisa(line["payout"]) == 300050 - 30005
    assert requests.get(f"{pay_platform.url}/api/payments/venues/{court.venue_id}/payouts", timeout=TIMEOUT,
                        params={"date": court.day.isoformat()}, headers=pay_platform.headers(booker)).status_code == 403


def owners_reports(platform, court: Court, day: dt.date) -> tuple[list[dict], dict]:
    """The owner's two reports of one day at the venue: booking_svc's days (bookings, net revenue) and
    payments' payout report."""
    owner = platform.headers(court.owner, roles=("venue_owner",))
    numbers = requests.get(f"{platform.url}/api/bookings/venues/{court.venue_id}/report", headers=owner,
                           params={"from": day.isoformat(), "to": day.isoformat()}, timeout=TIMEOUT)
    assert numbers.status_code == 200, numbers.text
    payouts = requests.get(f"{platform.url}/api/payments/venues/{court.venue_id}/payouts", headers=owner,
                           params={"date": day.isoformat()}, timeout=TIMEOUT)
    assert payouts.status_code == 200, payouts.text
    return numbers.json()["report"].get("days", []), payouts.json()


def by_day(days: list[dict]) -> list[tuple[str, int, int]]:
    """booking_svc's report days as (opening day, bookings taking a court, net revenue)."""
    return [(d["local_date"], int(d.get("bookings", 0)), paisa(d.get("revenue", {}))) for d in days]


def test_a_game_after_midnight_is_on_the_same_opening_day_in_both_of_the_owners_reports(pay_platform):
    court = Court(pay_platform, opens="18:30", closes="02:30")  # on the hour grid from 18:30
    booker, night = new_user(), court.day
    booking_id = court.book(booker, [], start=dt.datetime.combine(night + dt.timedelta(days=1), dt.time(0, 30),
                                                                  tzinfo=KARACHI))
    bill_when_ready(pay_platform, booking_id, booker)
    assert pay(pay_platform, booking_id, booker).json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"
    eventually(lambda: booking_status(pay_platform, booking_id, booker) == "BOOKING_STATUS_CONFIRMED", "confirmed")

    # The 00:30 game belongs to the night it started in: both reports count it on that opening day.
    days, payouts = owners_reports(pay_platform, court, night)
    assert [l["booking_id"] for l in payouts["lines"]] == [booking_id]
    assert by_day(days) == [(night.isoformat(), 1, paisa(payouts["totals"]["payout"]))]
    assert paisa(payouts["totals"]["payout"]) == 600100 - 60010
    days, payouts = owners_reports(pay_platform, court, night + dt.timedelta(days=1))
    assert days == [] and payouts.get("lines", []) == []


def test_a_late_cancellations_fee_nets_the_same_in_both_of_the_owners_reports(pay_platform):
    court = Court(pay_platform)
    booker, booking_id = booked(pay_platform, court)
    assert pay(pay_platform, booking_id, booker).json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"
    eventually(lambda: booking_status(pay_platform, booking_id, booker) == "BOOKING_STATUS_CONFIRMED", "confirmed")
    cancelled = requests.post(f"{pay_platform.url}/api/bookings/bookings/{booking_id}/cancel", json={"reason": "rain"},
                              headers=pay_platform.headers(booker), timeout=TIMEOUT)
    assert cancelled.status_code == 200, cancelled.text
    assert paisa(cancelled.json()["booking"]["cancellation"]["fee"]) == 300050
    eventually(lambda: all(s["status"] == "SHARE_STATUS_REFUNDED"
                           for s in bill_when_ready(pay_platform, booking_id, booker)["shares"]), "refunded")

    # The venue keeps the fee less the platform's 10% commission on it, in both reports.
    days, payouts = owners_reports(pay_platform, court, court.day)
    assert paisa(payouts["totals"]["payout"]) == 300050 - 30005
    assert by_day(days) == [(court.day.isoformat(), 0, 300050 - 30005)]


def test_money_taken_at_the_venue_nets_the_same_in_both_of_the_owners_reports(pay_platform):
    court = Court(pay_platform)
    owner = pay_platform.headers(court.owner, roles=("venue_owner",))
    court.set_payment({"mode": "PAYMENT_MODE_DEPOSIT", "deposit_percent": 20})
    booker, deposit = booked(pay_platform, court)
    assert pay(pay_platform, deposit, booker, cover="PAY_COVER_ALL").json()["payment"]["status"] \
        == "PAYMENT_STATUS_CAPTURED"
    eventually(lambda: booking_status(pay_platform, deposit, booker) == "BOOKING_STATUS_CONFIRMED", "confirmed")

    # 20% online: the ledger's commission is on that; the owner owes 10% of the 4,800.80 taken at the venue.
    days, payouts = owners_reports(pay_platform, court, court.day)
    (line,) = payouts["lines"]
    assert paisa(line["payout"]) == 120020 - 12002 and paisa(line["at_venue"]) == 480080
    assert paisa(line["commission_at_venue"]) == 48008 and paisa(line["net"]) == 600100 - 60010
    assert by_day(days) == [(court.day.isoformat(), 1, 600100 - 60010)]

    # Paid wholly at the venue and cancelled late: the fee nets its commission, due or collected.
    court.set_payment({"mode": "PAYMENT_MODE_AT_VENUE"})
    booker, late = booked(pay_platform, court)
    assert requests.post(f"{pay_platform.url}/api/bookings/bookings/{late}/confirm", headers=owner,
                         timeout=TIMEOUT).status_code == 200
    assert requests.post(f"{pay_platform.url}/api/bookings/bookings/{late}/cancel", json={"reason": "sick"},
                         headers=pay_platform.headers(booker), timeout=TIMEOUT).status_code == 200
    eventually(lambda: "venue_fee" in bill_when_ready(pay_platform, late, booker), "the fee is due at the venue")
    for collect in (False, True):
        if collect:
            assert requests.post(f"{pay_platform.url}/api/payments/bookings/{late}/venue-fee/collect", json={},
                                 headers=owner, timeout=TIMEOUT).status_code == 200
        days, payouts = owners_reports(pay_platform, court, court.day)
        line = next(l for l in payouts["lines"] if l["booking_id"] == late)
        assert paisa(line["payout"]) == 0 and paisa(line["commission_at_venue"]) == 30005
        assert paisa(line["net"]) == 300050 - 30005
        assert paisa(payouts["totals"]["commission_at_venue"]) == 48008 + 30005
        assert by_day(days) == [(court.day.isoformat(), 1, paisa(payouts["totals"]["net"]))]
        assert paisa(payouts["totals"]["net"]) == 600100 - 60010 + 300050 - 30005


def test_a_pending_booking_nets_nothing_in_either_of_the_owners_reports_until_the_venue_confirms_it(pay_platform):
    """A booking waiting for the venue's confirmation (a hold that may run out) is no revenue in
    booking_svc's report; the payout report counted its price as money to take at the venue."""
    court = Court(pay_platform)
    court.set_payment({"mode": "PAYMENT_MODE_AT_VENUE"})
    booker, waiting = booked(pay_platform, court)
    days, payouts = owners_reports(pay_platform, court, court.day)
    (line,) = payouts["lines"]
    assert (paisa(line["at_venue"]), paisa(line["commission_at_venue"]), paisa(line["net"])) == (0, 0, 0)
    assert by_day(days) == [(court.day.isoformat(), 0, 0)]

    assert requests.post(f"{pay_platform.url}/api/bookings/bookings/{waiting}/confirm", timeout=TIMEOUT,
                         headers=pay_platform.headers(court.owner, roles=("venue_owner",))).status_code == 200
    eventually(lambda: bill_when_ready(pay_platform, waiting, booker)["booking_status"] == "BOOKING_STATUS_CONFIRMED",
               "payments heard the booking confirmed")
    days, payouts = owners_reports(pay_platform, court, court.day)
    (line,) = payouts["lines"]
    assert (paisa(line["at_venue"]), paisa(line["net"])) == (600100, 600100 - 60010)
    assert by_day(days) == [(court.day.isoformat(), 1, 600100 - 60010)]


def test_bad_requests_are_400_naming_the_field(pay_platform, court):
    booker = new_user()
    booking_id = court.book(booker, [])
    answer = pay(pay_platform, booking_id, booker, "12345")
    assert answer.status_code == 400 and "mobile_number" in answer.text
    answer = requests.post(f"{pay_platform.url}/api/payments/bookings/{booking_id}/pay", timeout=TIMEOUT,
                           headers=pay_platform.headers(booker), json={"wallet": "WALLET_JAZZCASH", "mobile_number": PAYS})
    assert answer.status_code == 400 and "cnic_last_six" in answer.text
    answer = requests.get(f"{pay_platform.url}/api/payments/callbacks/easypaisa", timeout=TIMEOUT,
                          params={"url": "https://evil.example.com/easypay-service/ipn/T1"})
    assert answer.status_code == 403, answer.text
    answer = requests.get(f"{pay_platform.url}/api/payments/checkout/easypaisa", timeout=TIMEOUT)
    assert answer.status_code == 400 and "orderRefNumber" in answer.text


def test_a_venue_chooses_how_it_is_paid_at_the_venue_a_deposit_or_in_full(pay_platform):
    court = Court(pay_platform)
    court.set_payment({"mode": "PAYMENT_MODE_FULL"}, user=new_user(), expect=403)  # not the owner
    assert "deposit_percent" in court.set_payment({"mode": "PAYMENT_MODE_DEPOSIT"}, expect=400).text

    court.set_payment({"mode": "PAYMENT_MODE_AT_VENUE"})
    booker, booking_id = booked(pay_platform, court, new_user())
    at_venue = bill_when_ready(pay_platform, booking_id, booker)
    assert paisa(at_venue["at_venue"]) == 600100 and at_venue.get("shares", []) == [] and paisa(at_venue["due"]) == 0
    refused = pay(pay_platform, booking_id, booker)
    assert refused.status_code == 400 and "paid at the venue" in refused.text

    court.set_payment({"mode": "PAYMENT_MODE_DEPOSIT", "deposit_percent": 20})
    public = requests.get(f"{pay_platform.url}/api/payments/venues/{court.venue_id}/payment", timeout=TIMEOUT)
    assert public.json()["venue_payment"] == {"venue_id": court.venue_id, "mode": "PAYMENT_MODE_DEPOSIT",
                                              "deposit_percent": 20}
    friend = new_user()
    booker, booking_id = booked(pay_platform, court, friend)
    deposit = bill_when_ready(pay_platform, booking_id, booker)
    assert paisa(deposit["at_venue"]) == 600100 - 120020
    assert sorted(paisa(s["amount"]) for s in deposit["shares"]) == [60010, 60010]
    assert pay(pay_platform, booking_id, booker, cover="PAY_COVER_ALL").json()["payment"]["status"] \
        == "PAYMENT_STATUS_CAPTURED"
    # The deposit in, the booking is the players'; the rest is paid at the venue.
    eventually(lambda: booking_status(pay_platform, booking_id, booker) == "BOOKING_STATUS_CONFIRMED", "confirmed")
    report = requests.get(f"{pay_platform.url}/api/payments/venues/{court.venue_id}/payouts", timeout=TIMEOUT,
                          params={"date": court.day.isoformat()},
                          headers=pay_platform.headers(court.owner, roles=("venue_owner",)))
    line = next(l for l in report.json()["lines"] if l["booking_id"] == booking_id)
    assert paisa(line["paid"]) == 120020 and paisa(line["at_venue"]) == 480080
    assert paisa(line["commission"]) == 12002  # 10% of what was paid online


def test_a_venue_confirms_at_once_only_while_it_is_paid_at_the_venue(pay_platform):
    """Either way round: payments refuses online payment to a venue that confirms at once, and
    booking_svc refuses confirming at once to a venue paid online (its bookings would go unpaid)."""
    court = Court(pay_platform)
    eventually(lambda: booking_svc_takes_payment_online(pay_platform, court), "booking_svc hears of online payment")
    venue = requests.get(f"{pay_platform.url}/api/bookings/venues/{court.venue_id}", timeout=TIMEOUT).json()["venue"]

    def confirm_at_once() -> requests.Response:
        return requests.put(f"{pay_platform.url}/api/bookings/venues/{court.venue_id}", timeout=TIMEOUT,
                            headers=pay_platform.headers(court.owner, roles=("venue_owner",)),
                            json={"venue": {**venue, "confirmation_mode": "CONFIRMATION_MODE_INSTANT"},
                                  "update_mask": "confirmation_mode"})

    refused = confirm_at_once()
    assert refused.status_code == 400 and "CONFIRMATION_MODE_MANUAL" in refused.json()["message"], refused.text
    assert [d["reason"] for d in refused.json()["details"] if "reason" in d] == ["VENUE_PAID_ONLINE"]

    court.set_payment({"mode": "PAYMENT_MODE_AT_VENUE"})
    eventually(lambda: not booking_svc_takes_payment_online(pay_platform, court), "booking_svc hears of it")
    assert confirm_at_once().status_code == 200
    refused = court.set_payment({"mode": "PAYMENT_MODE_FULL"}, expect=400)
    assert "CONFIRMATION_MODE_MANUAL" in refused.text


class Form(html.parser.HTMLParser):
    """The first form of a page as a browser would post it: its action and its named inputs."""

    def __init__(self, page: str, base: str):
        super().__init__()
        self.action, self.fields, self.base = "", {}, base
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.action:
            self.action = urllib.parse.urljoin(self.base, attrs.get("action", ""))
        elif tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")


def start_checkout(platform, booking_id: str, user: str, wallet: str, **extra) -> requests.Response:
    return requests.post(f"{platform.url}/api/payments/bookings/{booking_id}/checkout", headers=platform.headers(user),
                         timeout=TIMEOUT, json={"wallet": wallet, **extra})


def test_a_hosted_jazzcash_checkout_through_the_standin_page_captures_once(pay_platform, court):
    friend = new_user()
    booker, booking_id = booked(pay_platform, court, friend)
    started = start_checkout(pay_platform, booking_id, friend, "WALLET_JAZZCASH")
    assert started.status_code == 200, started.text
    attempt, checkout = started.json()["payment"], started.json()["checkout"]
    assert attempt["status"] == "PAYMENT_STATUS_PENDING" and attempt["hosted"] is True
    assert checkout["url"].endswith("/CustomerPortal/transactionmanagement/merchantform/")
    fields = checkout["fields"]
    assert fields["pp_ReturnURL"] == f"{pay_platform.url}/api/payments/checkout/jazzcash"
    assert fields["pp_TxnRefNo"] == attempt["transaction_reference"] and fields["pp_Amount"] == "300050"
    assert fields["pp_Version"] == "1.1" and jazzcash.verified(fields, SALT)
    # While the page is open the share cannot be paid twice.
    assert pay(pay_platform, booking_id, friend).status_code == 409

    # The player's browser: the provider's page, Pay, and the signed form it posts back to us.
    page = requests.post(checkout["url"], data=fields, timeout=TIMEOUT)
    assert page.status_code == 200 and "Rs 3,000.50" in page.text, page.text
    choice = Form(page.text, checkout["url"])
    back = requests.post(choice.action, data={**choice.fields, "mobile_number": PAYS, "choice": "pay"}, timeout=TIMEOUT)
    returned = Form(back.text, choice.action)
    assert returned.action == fields["pp_ReturnURL"]
    tampered = requests.post(returned.action, data={**returned.fields, "pp_Amount": "1"}, timeout=TIMEOUT)
    assert tampered.status_code == 403, tampered.text
    landed = requests.post(returned.action, data=returned.fields, timeout=TIMEOUT)
    assert landed.status_code == 200 and landed.headers["content-type"].startswith("text/html"), landed.text
    assert 'data-status="captured"' in landed.text and "Rs 3,000.50" in landed.text
    # The browser posting the same return again (a reload): the same result page, counted once; the
    # operators' count of refused (forged or replayed) callbacks does not take the player's reload for one.
    refused = counted(pay_platform, "payment", "padel_payment_callbacks_refused_total", wallet="jazzcash")
    reloaded = requests.post(returned.action, data=returned.fields, timeout=TIMEOUT)
    assert reloaded.status_code == 200 and 'data-status="captured"' in reloaded.text, reloaded.text
    assert counted(pay_platform, "payment", "padel_payment_callbacks_refused_total", wallet="jazzcash") == refused
    shares = {s["player_id"]: s for s in bill_when_ready(pay_platform, booking_id, booker)["shares"]}
    assert shares[friend]["status"] == "SHARE_STATUS_PAID" and shares[booker]["status"] == "SHARE_STATUS_DUE"
    assert paisa(bill_when_ready(pay_platform, booking_id, booker)["paid"]) == 300050

    # The booker opens the page and walks away: only they may cancel it, which frees the share at once
    # (to another player the attempt is no payment of theirs: 404, as for an id that names none).
    opened = start_checkout(pay_platform, booking_id, booker, "WALLET_JAZZCASH").json()
    abandoned, page_fields = opened["payment"], opened["checkout"]["fields"]
    # The page takes payment for 10 minutes: inside the venue's 15-minute hold.
    taken_for = (dt.datetime.strptime(page_fields["pp_TxnExpiryDateTime"], "%Y%m%d%H%M%S")
                 - dt.datetime.strptime(page_fields["pp_TxnDateTime"], "%Y%m%d%H%M%S"))
    assert taken_for == dt.timedelta(minutes=10)
    cancel = f"{pay_platform.url}/api/payments/payments/{abandoned['payment_id']}/cancel"
    assert requests.post(cancel, headers=pay_platform.headers(friend), json={}, timeout=TIMEOUT).status_code == 404
    cancelled = requests.post(cancel, headers=pay_platform.headers(booker), json={}, timeout=TIMEOUT)
    assert cancelled.status_code == 200 and cancelled.json()["payment"]["status"] == "PAYMENT_STATUS_DECLINED"
    assert requests.post(cancel, headers=pay_platform.headers(booker), json={}, timeout=TIMEOUT).status_code == 400

    # The booker cancels on the page: back unpaid, the wallet is asked at once, and they may try again.
    started = start_checkout(pay_platform, booking_id, booker, "WALLET_JAZZCASH").json()
    page = requests.post(started["checkout"]["url"], data=started["checkout"]["fields"], timeout=TIMEOUT)
    choice = Form(page.text, started["checkout"]["url"])
    back = Form(requests.post(choice.action, data={**choice.fields, "choice": "cancel"}, timeout=TIMEOUT).text,
                choice.action)
    landed = requests.post(back.action, data=back.fields, timeout=TIMEOUT)
    assert landed.status_code == 200 and 'data-status="pending"' in landed.text, landed.text
    eventually(lambda: payment(pay_platform, started["payment"]["payment_id"], booker)["status"]
               == "PAYMENT_STATUS_DECLINED", "the inquiry finds the checkout was not paid")
    assert pay(pay_platform, booking_id, booker).json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"


def test_a_hosted_easypaisa_checkout_goes_through_its_three_steps_and_a_forged_return_is_refused(pay_platform, court):
    booker, booking_id = booked(pay_platform, court)
    started = start_checkout(pay_platform, booking_id, booker, "WALLET_EASYPAISA", mobile_number=PAYS)
    assert started.status_code == 200, started.text
    attempt, checkout = started.json()["payment"], started.json()["checkout"]
    fields = checkout["fields"]
    assert checkout["url"].endswith("/easypay/Index.jsf")
    assert fields["amount"] == "6001.0" and fields["orderRefNum"] == attempt["transaction_reference"]
    assert fields["postBackURL"] == f"{pay_platform.url}/api/payments/checkout/easypaisa"
    assert fields["mobileNum"] == PAYS and fields["merchantHashedReq"]

    # A return claiming success before anything was paid: Easypaisa's record says otherwise.
    forged = requests.get(fields["postBackURL"], timeout=TIMEOUT,
                          params={"success": "true", "orderRefNumber": attempt["transaction_reference"]})
    assert forged.status_code == 403, forged.text
    assert payment(pay_platform, attempt["payment_id"], booker)["status"] == "PAYMENT_STATUS_PENDING"

    page = requests.post(checkout["url"], data=fields, timeout=TIMEOUT)
    assert page.status_code == 200, page.text
    choice = Form(page.text, checkout["url"])
    assert choice.fields["mobile_number"] == PAYS
    token = requests.post(choice.action, data={**choice.fields, "choice": "pay"}, timeout=TIMEOUT, allow_redirects=False)
    assert token.status_code == 303 and token.headers["location"].startswith(fields["postBackURL"] + "?auth_token=")
    confirming = requests.get(token.headers["location"], timeout=TIMEOUT)
    assert confirming.status_code == 200, confirming.text
    confirm = Form(confirming.text, token.headers["location"])
    assert confirm.action.endswith("/easypay/Confirm.jsf") and confirm.fields["postBackURL"] == fields["postBackURL"]
    result = requests.post(confirm.action, data=confirm.fields, timeout=TIMEOUT, allow_redirects=False)
    assert result.status_code == 303, result.text
    landed = requests.get(result.headers["location"], timeout=TIMEOUT)
    assert landed.status_code == 200 and 'data-status="captured"' in landed.text, landed.text
    # The player reloads the result page: the same result again, counted once, and no refused callback.
    refused = counted(pay_platform, "payment", "padel_payment_callbacks_refused_total", wallet="easypaisa")
    reloaded = requests.get(result.headers["location"], timeout=TIMEOUT)
    assert reloaded.status_code == 200 and 'data-status="captured"' in reloaded.text, reloaded.text
    assert counted(pay_platform, "payment", "padel_payment_callbacks_refused_total", wallet="easypaisa") == refused
    assert paisa(bill_when_ready(pay_platform, booking_id, booker)["paid"]) == 600100
    eventually(lambda: booking_status(pay_platform, booking_id, booker) == "BOOKING_STATUS_CONFIRMED", "confirmed")


def test_a_late_cancellation_of_a_booking_paid_at_the_venue_leaves_a_fee_due_there_until_the_owner_collects_it(
        pay_platform):
    court = Court(pay_platform)
    court.set_payment({"mode": "PAYMENT_MODE_AT_VENUE"})
    owner = pay_platform.headers(court.owner, roles=("venue_owner",))
    booker, booking_id = booked(pay_platform, court, new_user())
    # The venue confirms it (a booking never confirmed is cancelled free).
    confirmed = requests.post(f"{pay_platform.url}/api/bookings/bookings/{booking_id}/confirm", headers=owner,
                              timeout=TIMEOUT)
    assert confirmed.status_code == 200, confirmed.text
    cancelled = requests.post(f"{pay_platform.url}/api/bookings/bookings/{booking_id}/cancel", json={"reason": "sick"},
                              headers=pay_platform.headers(booker), timeout=TIMEOUT)
    assert cancelled.status_code == 200, cancelled.text
    assert paisa(cancelled.json()["booking"]["cancellation"]["fee"]) == 300050
    # The player sees what is due at the venue: the policy's 50%, nothing online.
    due = eventually(lambda: (b := bill_when_ready(pay_platform, booking_id, booker)) and "venue_fee" in b and b,
                     "the fee due at the venue is on the bill")
    assert due["venue_fee"]["status"] == "VENUE_FEE_STATUS_DUE" and paisa(due["venue_fee"]["amount"]) == 300050
    assert due["venue_fee"]["reason"] == "VENUE_FEE_REASON_LATE_CANCELLATION"
    assert paisa(due["due"]) == 0 and paisa(due["at_venue"]) == 0  # nothing online; the court itself is not owed

    def payout_line() -> dict:
        report = requests.get(f"{pay_platform.url}/api/payments/venues/{court.venue_id}/payouts", headers=owner,
                              params={"date": court.day.isoformat()}, timeout=TIMEOUT)
        assert report.status_code == 200, report.text
        return next(l for l in report.json()["lines"] if l["booking_id"] == booking_id), report.json()["totals"]

    line, totals = payout_line()
    assert paisa(line["venue_fees_due"]) == 300050 and paisa(line["venue_fees_collected"]) == 0
    assert paisa(totals["venue_fees_due"]) == 300050

    collect = f"{pay_platform.url}/api/payments/bookings/{booking_id}/venue-fee/collect"
    assert requests.post(collect, json={}, headers=pay_platform.headers(booker), timeout=TIMEOUT).status_code == 403
    collected = requests.post(collect, json={}, headers=owner, timeout=TIMEOUT)
    assert collected.status_code == 200, collected.text
    fee = collected.json()["venue_fee"]
    assert fee["status"] == "VENUE_FEE_STATUS_COLLECTED" and fee["collected_by"] == court.owner
    # Recorded twice (a double tap): still one fee in the ledger.
    assert requests.post(collect, json={}, headers=owner, timeout=TIMEOUT).json()["venue_fee"] == fee
    line, totals = payout_line()
    assert paisa(line["venue_fees_due"]) == 0 and paisa(line["venue_fees_collected"]) == 300050
    assert paisa(line["fees"]) == 300050 and paisa(line["paid"]) == 0 and paisa(line["payout"]) == 0
    assert bill_when_ready(pay_platform, booking_id, booker)["venue_fee"]["status"] == "VENUE_FEE_STATUS_COLLECTED"
    # A booking with no fee due at the venue has nothing to collect.
    _, other = booked(pay_platform, court)
    assert requests.post(f"{pay_platform.url}/api/payments/bookings/{other}/venue-fee/collect", json={},
                         headers=owner, timeout=TIMEOUT).status_code == 404


def test_a_player_who_paid_and_is_taken_off_the_booking_gets_their_share_back_and_the_newcomer_is_asked(
        pay_platform, court):
    friend, newcomer = new_user(), new_user()
    booker, booking_id = booked(pay_platform, court, friend)
    assert pay(pay_platform, booking_id, friend).json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"
    pay_platform.known_player(newcomer)
    changed = requests.put(f"{pay_platform.url}/api/bookings/bookings/{booking_id}", headers=pay_platform.headers(booker),
                           timeout=TIMEOUT, json={"participant_ids": [newcomer], "update_mask": "participant_ids"})
    assert changed.status_code == 200, changed.text

    # The removed player still sees the bill: their share went back whole to their wallet.
    after = eventually(lambda: (b := bill_when_ready(pay_platform, booking_id, friend)) and any(
        s["status"] == "SHARE_STATUS_REFUNDED" for s in b["shares"]) and b, "the removed player's share is refunded")
    shares = {s["player_id"]: s for s in after["shares"] if s["status"] != "SHARE_STATUS_VOID"}
    assert paisa(shares[friend]["refunded"]) == 300050
    assert shares[newcomer]["status"] == "SHARE_STATUS_DUE" and paisa(shares[newcomer]["amount"]) == 300050
    assert paisa(after["due"]) == 600100 and paisa(after["paid"]) == 0 and paisa(after["owed_by_booker"]) == 300050
    assert pay(pay_platform, booking_id, newcomer).json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"


def test_a_player_joins_a_plan_pays_it_on_the_hosted_page_and_is_a_member_then_renews_by_wallet(pay_platform, court):
    """Issue 16: a plan paid through payment_svc, end to end through Envoy and the stand-in."""
    owner = pay_platform.headers(court.owner, roles=("venue_owner",))
    plans = f"{pay_platform.url}/api/bookings/venues/{court.venue_id}/membership-plans"
    plan = requests.post(plans, headers=owner, timeout=TIMEOUT, json={"plan": {
        "name": "Gold", "price": {"amount_paisa": "500000"}, "period": "MEMBERSHIP_PERIOD_MONTHLY", "grace_days": 7}})
    assert plan.status_code == 200, plan.text
    player, stranger = new_user(), new_user()
    today = dt.datetime.now(KARACHI).date()  # the venue's day the payment falls due: its payout report's
    joined = requests.post(f"{plans}/{plan.json()['plan']['plan_id']}/join", json={}, timeout=TIMEOUT,
                           headers=pay_platform.headers(player))
    assert joined.status_code == 200, joined.text
    bill_id, membership_id = joined.json()["bill_id"], joined.json()["membership_id"]
    assert paisa(joined.json()["amount"]) == 500000
    opened = bill_when_ready(pay_platform, bill_id, player)
    assert opened["membership_id"] == membership_id and paisa(opened["due"]) == 500000
    assert [s["player_id"] for s in opened["shares"]] == [player]
    # Nobody else sees or pays the player's bill: to them it is a bill payments never heard of.
    assert bill(pay_platform, bill_id, stranger).status_code == 404
    refused = pay(pay_platform, bill_id, stranger)
    assert refused.status_code == 400 and refused.json()["message"] == pay(
        pay_platform, str(uuid.uuid4()), stranger).json()["message"], refused.text
    # The pay page (the bill's link) names what the player pays for, from booking's answer.
    pay_page = requests.get(f"{pay_platform.url}/bookings/{bill_id}/pay", timeout=TIMEOUT).text
    assert '"../../api/bookings/membership-payments/"' in pay_page and "Pay your membership" in pay_page
    paid_for = f"{pay_platform.url}/api/bookings/membership-payments/{bill_id}"
    named = requests.get(paid_for, headers=pay_platform.headers(player), timeout=TIMEOUT)
    assert named.status_code == 200, named.text
    assert (named.json()["plan"]["name"], named.json()["venue_name"], named.json()["state"]) == (
        "Gold", court.venue_name, "due")
    assert requests.get(paid_for, headers=pay_platform.headers(stranger), timeout=TIMEOUT).status_code == 404

    started = start_checkout(pay_platform, bill_id, player, "WALLET_JAZZCASH")
    assert started.status_code == 200, started.text
    checkout = started.json()["checkout"]
    page = requests.post(checkout["url"], data=checkout["fields"], timeout=TIMEOUT)
    choice = Form(page.text, checkout["url"])
    back = requests.post(choice.action, data={**choice.fields, "mobile_number": PAYS, "choice": "pay"}, timeout=TIMEOUT)
    returned = Form(back.text, choice.action)
    landed = requests.post(returned.action, data=returned.fields, timeout=TIMEOUT)
    assert landed.status_code == 200 and 'data-status="captured"' in landed.text, landed.text

    def my_memberships() -> list[dict]:
        answer = requests.get(f"{pay_platform.url}/api/bookings/memberships", headers=pay_platform.headers(player),
                              timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
        return answer.json()["memberships"]

    [member] = eventually(lambda: (m := my_memberships()) and m, "the paid plan makes the player a member")
    assert (member["membership_id"], member["state"], member["plan"]["name"]) == (membership_id, "active", "Gold")
    again = pay(pay_platform, bill_id, player)  # paid: nothing left to pay
    assert again.status_code == 400 and "nothing is left for you to pay" in again.text, again.text

    # Renewed by wallet: one period more, from the end of the first.
    renewal = requests.post(f"{plans}/{plan.json()['plan']['plan_id']}/join", json={}, timeout=TIMEOUT,
                            headers=pay_platform.headers(player)).json()
    assert renewal["membership_id"] == membership_id and renewal["bill_id"] != bill_id
    bill_when_ready(pay_platform, renewal["bill_id"], player)
    assert pay(pay_platform, renewal["bill_id"], player).json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED"
    first_end = dt.datetime.fromisoformat(member["paid_until"].replace("Z", "+00:00"))
    renewed = eventually(lambda: (m := my_memberships()[0])["paid_until"] != member["paid_until"] and m, "renewed")
    assert dt.datetime.fromisoformat(renewed["paid_until"].replace("Z", "+00:00")) - first_end >= dt.timedelta(days=28)

    # The venue's payout report for the day counts the plan's income, the commission apart.
    report = requests.get(f"{pay_platform.url}/api/payments/venues/{court.venue_id}/payouts", timeout=TIMEOUT,
                          params={"date": today.isoformat()}, headers=owner)
    assert report.status_code == 200, report.text
    lines = [l for l in report.json()["lines"] if l.get("membership_id") == membership_id]
    assert sorted(l["booking_id"] for l in lines) == sorted([bill_id, renewal["bill_id"]])
    assert all(paisa(l["paid"]) == 500000 and paisa(l["commission"]) == 50000 and paisa(l["payout"]) == 450000
               for l in lines)
