"""payment_svc's pure rules: shares, who pays what, the fee shared out, JazzCash's signature and
Easypaisa's amounts (no I/O)."""

import datetime as dt
import hashlib
import hmac

import pytest

from mesh.caller import Caller
from mesh.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from payment_svc import convert, domain
from payment_svc.domain import ShareState, ShareView
from payment_svc.providers import ForgedCallback, easypaisa, jazzcash


def test_a_price_splits_into_equal_shares_with_the_odd_paisa_on_the_booker():
    assert domain.split_price(600100, 4) == [150025] * 4
    assert domain.split_price(600103, 4) == [150028, 150025, 150025, 150025]
    assert sum(domain.split_price(999_999, 3)) == 999_999


def test_share_prices_from_booking_decide_each_players_part_and_a_deposit_keeps_their_proportion():
    assert domain.player_shares(570095, 4, (150025, 120020, 150025, 150025)) == [150025, 120020, 150025, 150025]
    deposit = domain.player_shares(57009, 4, (150025, 120020, 150025, 150025))  # 10 %: the same proportions
    assert deposit == [15003, 12002, 15002, 15002]
    assert domain.player_shares(600103, 4) == [150028, 150025, 150025, 150025]  # no prices: equal shares
    assert domain.player_shares(600103, 4, (1, 2)) == [150028, 150025, 150025, 150025]  # not one per player


def test_a_bill_rebalanced_after_money_moved_follows_each_players_share_price():
    paid = ShareView("s1", "booker", 150_000, ShareState.PAID)
    due = ShareView("s2", "guest", 150_000, ShareState.DUE)
    # A member joins: the booker's paid 1,500 stays; each pays up to their own part, the member less.
    plan = domain.rebalance([paid, due], ["booker", "member", "guest"], "booker", 570_000, (200_000, 170_000, 200_000))
    assert plan.refund == [] and plan.void == ["s2"]
    assert plan.new == [("booker", 50_000), ("member", 170_000), ("guest", 200_000)]


def test_the_share_deadline_is_the_window_or_the_lead_before_play_whichever_comes_first():
    made = dt.datetime(2030, 1, 1, 10, tzinfo=dt.timezone.utc)
    window, lead = dt.timedelta(minutes=15), dt.timedelta(hours=2)
    assert domain.share_deadline(made, made + dt.timedelta(days=1), window, lead) == made + window
    assert domain.share_deadline(made, made + dt.timedelta(hours=2, minutes=5), window, lead) == made + dt.timedelta(minutes=5)
    assert domain.share_deadline(made, made + dt.timedelta(hours=1), window, lead) == made  # already due


SHARES = [ShareView("s1", "booker", 100, ShareState.DUE), ShareView("s2", "ali", 100, ShareState.PAID),
          ShareView("s3", "zara", 100, ShareState.OWED_BY_BOOKER), ShareView("s4", "omar", 100, ShareState.DUE)]


def covered(payer, cover_all=False):
    return [s.share_id for s in domain.shares_to_cover(SHARES, payer, "booker", cover_all)]


def test_who_pays_which_shares():
    assert covered("booker") == ["s1", "s3"]  # their own and the one fallen to them
    assert covered("booker", cover_all=True) == ["s1", "s3", "s4"]
    assert covered("zara") == ["s3"]  # still payable by its player
    with pytest.raises(FailedPrecondition):
        covered("ali")
    with pytest.raises(PermissionDenied):
        covered("omar", cover_all=True)
    with pytest.raises(PermissionDenied):
        covered("stranger")


def test_a_fee_is_kept_in_proportion_and_adds_up_exactly():
    paid = [ShareView("a", "x", 150028, ShareState.PAID), ShareView("b", "y", 150025, ShareState.PAID)]
    plan = domain.refund_plan(paid, 100001)
    assert sum(p.fee for p in plan) == 100001
    assert all(p.fee + p.refund == s.amount for p, s in zip(plan, paid))
    assert [p.fee for p in domain.refund_plan(paid, 10**9)] == [150028, 150025]  # never more than was paid
    # Kept from the booker's money first (`first`), only what exceeds it from the others.
    assert [p.fee for p in domain.refund_plan(paid, 100001, ["b"])] == [0, 100001]
    assert [p.fee for p in domain.refund_plan(paid, 200025, ["b"])] == [50000, 150025]
    assert domain.share_out(0, [1, 2]) == [0, 0] and domain.share_out(5, [0, 0]) == [0, 0]


def test_bills_are_for_their_players_and_payouts_for_the_owner():
    player = Caller("p", frozenset({"player"}), "t", dt.datetime.now(dt.timezone.utc), "")
    admin = Caller("a", frozenset({"admin"}), "t", dt.datetime.now(dt.timezone.utc), "")
    assert domain.may_see_bill(player, ["p", "q"]) and domain.may_see_bill(admin, ["q"])
    assert not domain.may_see_bill(player, ["q"])
    with pytest.raises(PermissionDenied):
        domain.check_may_see_payouts(player, "owner")


def test_jazzcash_secure_hash_is_hmac_sha256_with_the_salt_first_over_sorted_non_empty_pp_values():
    fields = {"pp_TxnRefNo": "T1", "pp_Amount": "150025", "pp_BillReference": "", "ppmpf_1": "x",
              "pp_ResponseCode": "000", "other": "ignored"}
    message = "salt&150025&000&T1&x"  # pp_Amount, pp_ResponseCode, pp_TxnRefNo, ppmpf_1; empty left out
    expected = hmac.new(b"salt", message.encode(), hashlib.sha256).hexdigest().upper()
    assert jazzcash.secure_hash(fields, "salt") == expected
    signed = jazzcash.signed(fields, "salt")
    assert jazzcash.verified(signed, "salt")
    assert jazzcash.verified({**signed, "pp_SecureHash": signed["pp_SecureHash"].lower()}, "salt")
    assert not jazzcash.verified({**signed, "pp_Amount": "150026"}, "salt")
    assert not jazzcash.verified(signed, "another salt")
    assert not jazzcash.verified(fields, "salt")


def test_a_jazzcash_callback_that_does_not_verify_is_forged():
    wallet = jazzcash.JazzCash("http://wallet", "MC", "pw", "salt", "http://back", http=None)
    with pytest.raises(ForgedCallback):
        wallet.callback(jazzcash.signed({"pp_TxnRefNo": "T1", "pp_ResponseCode": "000"}, "not the salt"))
    outcome = wallet.callback(jazzcash.signed({"pp_TxnRefNo": "T1", "pp_ResponseCode": "000", "pp_Amount": "5"}, "salt"))
    assert (outcome.reference, outcome.state, outcome.amount) == ("T1", domain.PaymentState.CAPTURED, 5)
    pending = wallet.callback(jazzcash.signed({"pp_TxnRefNo": "T1", "pp_ResponseCode": "157"}, "salt"))
    assert pending.state is None  # anything but 000 is "not paid yet": the inquiry decides


def test_a_wallet_form_far_larger_than_any_wallet_sends_is_refused_before_it_is_parsed():
    """The callback and return routes are public: the edge lets 4 MiB through (native gRPC as much), and
    parsing that many fields cost half a second of CPU a request before the hash refused it."""
    genuine = convert.form_fields(b"pp_TxnRefNo=T1&pp_Amount=5&pp_SecureHash=AB")
    assert genuine == {"pp_TxnRefNo": "T1", "pp_Amount": "5", "pp_SecureHash": "AB"}
    with pytest.raises(InvalidArgument) as refused:
        convert.form_fields(b"&".join(b"pp_%07d=1" % n for n in range(300_000)))
    assert list(refused.value.fields) == ["body"]


def test_easypaisa_amounts_are_rupees_with_two_decimals_from_integer_paisa():
    assert easypaisa.rupees(150025) == "1500.25" and easypaisa.rupees(5) == "0.05"
    assert easypaisa.paisa("1500.25") == 150025 and easypaisa.paisa("10.0") == 1000 and easypaisa.paisa("10") == 1000
    assert easypaisa.paisa("1e3") is None and easypaisa.paisa("-1.00") is None and easypaisa.paisa("1.005") is None


def test_an_easypaisa_notice_is_fetched_only_from_easypaisas_host():
    wallet = easypaisa.Easypaisa("https://easypay.easypaisa.com.pk", "store", "u", "p", http=None)
    for url in ("https://evil.example.com/ipn/T1", "http://easypay.easypaisa.com.pk/ipn/T1",
                "https://easypay.easypaisa.com.pk.evil.example.com/ipn/T1"):
        with pytest.raises(ForgedCallback):
            wallet.notice(url)


def test_a_late_fee_is_due_at_the_venue_only_for_what_is_paid_there_beyond_what_was_kept_online():
    assert domain.venue_fee_due(price=6000, online=0, fee=3000, kept_online=0) == 3000  # paid at the venue
    assert domain.venue_fee_due(price=6000, online=1200, fee=3000, kept_online=1200) == 1800  # a deposit kept first
    assert domain.venue_fee_due(price=6000, online=1200, fee=1000, kept_online=1000) == 0
    assert domain.venue_fee_due(price=6000, online=6000, fee=3000, kept_online=0) == 0  # paid online: refunds' part
    assert domain.no_show_fee(price=6000, online=1200) == 4800


def test_a_rebalance_never_rewrites_a_paid_share():
    paid = ShareView("a", "booker", 3000, ShareState.PAID)
    due = ShareView("b", "friend", 3000, ShareState.DUE)
    # A third player joins: the booker has paid more than a third; the rest is shared by the others.
    plan = domain.rebalance([paid, due], ["booker", "friend", "new"], "booker", 6000)
    assert plan.refund == [] and plan.void == ["b"] and plan.new == [("friend", 1500), ("new", 1500)]
    # Nothing changes: nothing is replaced, nobody is asked again.
    assert domain.rebalance([paid, due], ["booker", "friend"], "booker", 6000) == domain.Rebalance([], [], [])
    # The friend who paid leaves; the price drops below what the booker paid.
    gone = ShareView("c", "friend", 3000, ShareState.PAID)
    assert domain.rebalance([paid, gone], ["booker"], "booker", 2000) == domain.Rebalance(["c", "a"], [], [("booker", 2000)])


class RecordingHttp:
    """Keeps what a provider adapter sends and answers as the provider would (signed for JazzCash)."""

    def __init__(self, answer):
        self.answer, self.sent = answer, []

    def post(self, url, body, headers=None):
        self.sent.append((url, body))
        return self.answer(body)


def test_date_times_go_to_the_providers_in_pakistan_time():
    from payment_svc.providers import Charge
    created = dt.datetime(2030, 1, 1, 20, 30, tzinfo=dt.timezone.utc)  # 01:30 the next day in Karachi
    charge = Charge("T1", 150000, "03000000001", "123456", "Court", created, created + dt.timedelta(minutes=15))
    salt = "salt"
    http = RecordingHttp(lambda body: jazzcash.signed({"pp_ResponseCode": "000", "pp_TxnRefNo": "T1",
                                                       "pp_Amount": "150000"}, salt))
    wallet = jazzcash.JazzCash("http://wallet", "MC", "pw", salt, "http://back", http=http)
    wallet.charge(charge)
    form = wallet.checkout(charge).fields
    for fields in (http.sent[0][1], form):
        assert (fields["pp_TxnDateTime"], fields["pp_TxnExpiryDateTime"]) == ("20300102013000", "20300102014500")
    easypaisa_form = easypaisa.Easypaisa("http://ep", "store", "u", "p", http=None,
                                         hash_key="k" * 16).checkout(charge).fields
    assert easypaisa_form["expiryDate"] == "20300102 014500"


def test_a_jazzcash_refund_goes_to_the_mobile_wallet_refund_with_the_merchants_mpin():
    salt = "salt"
    http = RecordingHttp(lambda body: jazzcash.signed({"pp_ResponseCode": "000", "pp_TxnRefNo": "T1",
                                                       "pp_RetreivalReferenceNo": "RF9"}, salt))
    wallet = jazzcash.JazzCash("http://wallet", "MC", "pw", salt, "http://back", http=http, mpin="1234")
    assert wallet.refund("T1", "R1", 5000) == "RF9"
    url, body = http.sent[0]
    assert url == "http://wallet/ApplicationAPI/API/Purchase/domwalletrefundtransaction"
    assert (body["pp_MerchantMPIN"], body["pp_TxnRefNo"], body["pp_Amount"]) == ("1234", "T1", "5000")
    assert jazzcash.verified(body, salt)
