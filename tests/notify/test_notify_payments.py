"""Receipts and payment requests (issue 14) through the real server, from payment_svc's real event
messages: each reaches the right player, by their own channels and the inbox, once per event."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from notify_standins import eventually, prefer, publish, register, stamp
from padel.booking.v1 import booking_pb2
from padel.notify.v1 import notify_pb2, notify_service_pb2 as pb
from padel.payment.v1 import events_pb2 as payment_events
from padel.payment.v1 import payment_pb2
from padel.user.v1 import user_pb2

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify


def rupees(paisa: int) -> booking_pb2.Money:
    return booking_pb2.Money(amount_paisa=paisa, currency="PKR")


def inbox(notify, token_issuer, user_id: str) -> list[notify_pb2.InboxMessage]:
    listed = notify.stub.ListInbox(pb.ListInboxRequest(page_size=100), metadata=token_issuer.metadata(user_id))
    return list(reversed(listed.messages))


def paid(payer: str, booking_id: str) -> payment_pb2.Payment:
    return payment_pb2.Payment(payment_id=str(uuid.uuid4()), booking_id=booking_id, payer_id=payer,
                               wallet=payment_pb2.WALLET_JAZZCASH, amount=rupees(450050),
                               status=payment_pb2.PAYMENT_STATUS_CAPTURED, provider_reference="T20261207.4411")


def test_a_captured_payment_and_each_refunded_share_send_the_payer_a_receipt(notify, smtp, provider, token_issuer):
    payer, booking_id = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, payer, "payer@example.pk", phone="+923004445566")
    # Booking confirmations switched off: a receipt is about money and goes out anyway.
    prefer(notify.redis, payer, [user_pb2.CHANNEL_EMAIL, user_pb2.CHANNEL_SMS],
           kinds=[user_pb2.NOTIFICATION_KIND_REMINDERS])
    payment = paid(payer, booking_id)
    captured = payment_events.PaymentCaptured(payment=payment, booking_paid=True)
    event_id = publish(notify.redis, "payment", captured, wait=True)
    publish(notify.redis, "payment", captured, event_id, wait=True)  # redelivered: one receipt

    mail = eventually(lambda: smtp.to("payer@example.pk"))[0]
    assert mail["Subject"] == "Payment received: Rs 4,500.50"
    text = mail.get_body(("plain",)).get_content()
    assert "JazzCash wallet" in text and "T20261207.4411" in text and booking_id in text
    sms = eventually(lambda: provider.to("+923004445566"))[0]
    assert "Rs 4,500.50" in provider.form(provider.requests.index(sms))["Body"]

    for share in ("share-1", "share-2"):
        publish(notify.redis, "payment", payment_events.PaymentRefunded(
            payment=payment, share_id=share, refund=rupees(112500), fee=rupees(0)))
    publish(notify.redis, "payment", payment_events.PaymentRefunded(
        payment=payment, share_id="share-3", refund=rupees(90000), fee=rupees(22500)), wait=True)
    told = inbox(notify, token_issuer, payer)
    assert [m.kind for m in told] == ["payment_receipt", "refund_receipt", "refund_receipt", "refund_receipt"]
    assert told[3].title == "Refund: Rs 900" and "kept Rs 225)" in told[3].body
    assert "JazzCash wallet" in told[3].body and "T20261207.4411" in told[3].body
    assert len([d for d in notify.settled(payer, 12) if d.kind == "payment_receipt"]) == 3  # email, SMS, inbox


def test_an_invited_player_is_asked_for_their_share_and_the_booker_told_what_they_owe(notify, smtp, token_issuer):
    booker, friend, booking_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, friend, "friend@example.pk")
    prefer(notify.redis, friend, [user_pb2.CHANNEL_EMAIL], language=user_pb2.LANGUAGE_UR)
    due = dt.datetime(2026, 12, 10, 11, 0, tzinfo=dt.timezone.utc)  # 16:00 in Karachi
    share = payment_pb2.Share(share_id="s1", player_id=friend, amount=rupees(112500),
                              status=payment_pb2.SHARE_STATUS_DUE, due_by=stamp(due))
    publish(notify.redis, "payment", payment_events.SharePaymentRequested(
        booking_id=booking_id, booker_id=booker, share=share), wait=True)

    mail = eventually(lambda: smtp.to("friend@example.pk"))[0]
    assert mail["Subject"] == "براہ کرم اپنا حصہ ادا کریں: Rs 1,125"
    [asked] = inbox(notify, token_issuer, friend)
    assert asked.kind == "share_payment_requested" and "10 Dec 2026 16:00 PKT" in asked.body
    # A link to pay it, on the platform's public address like the account emails' links.
    assert re.search(rf"http://127\.0\.0\.1:\d+/bookings/{booking_id}/pay", asked.body), asked.body

    owed = payment_events.SharesOwedByBooker(booking_id=booking_id, booker_id=booker, owed=rupees(225000), shares=[
        share, payment_pb2.Share(share_id="s2", player_id=str(uuid.uuid4()), amount=rupees(112500))])
    publish(notify.redis, "payment", owed, wait=True)
    [told] = inbox(notify, token_issuer, booker)
    assert told.title == "You now owe Rs 2,250"
    assert told.body.startswith("Hi ") and "2 invited players' shares of booking " + booking_id in told.body
    assert inbox(notify, token_issuer, friend) == [asked]  # nothing more for the friend


def test_a_refund_receipt_shows_the_refunds_reference_and_a_refused_refund_tells_payer_and_owner(
        notify, token_issuer):
    payer, owner, booking_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    payment = paid(payer, booking_id)
    publish(notify.redis, "payment", payment_events.PaymentRefunded(
        payment=payment, share_id="share-1", refund=rupees(112500), fee=rupees(0),
        refund_provider_reference="RF-7781", refund_reference="R0011"), wait=True)
    [receipt] = inbox(notify, token_issuer, payer)
    assert "RF-7781" in receipt.body and "T20261207.4411" not in receipt.body

    publish(notify.redis, "payment", payment_events.RefundFailed(
        payment=payment, share_id="share-2", refund=rupees(112500), venue_owner_id=owner,
        refund_reference="R0012"), wait=True)
    told = inbox(notify, token_issuer, payer)[-1]
    assert told.kind == "refund_failed" and "could not refund Rs 1,125" in told.body
    assert "venue or our support will settle it" in told.body and "R0012" in told.body
    [owner_told] = inbox(notify, token_issuer, owner)
    assert owner_told.kind == "refund_failed_venue" and booking_id in owner_told.body


def test_a_share_the_late_fee_kept_whole_tells_its_payer_nothing_comes_back_and_what_was_kept(notify, token_issuer):
    """payment_svc publishes PaymentRefunded with nothing refunded for a share the cancellation fee
    kept whole: its payer hears that, not "Refund: Rs 0"."""
    payer, booking_id = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, payer, "kept@example.pk")
    publish(notify.redis, "payment", payment_events.PaymentRefunded(
        payment=paid(payer, booking_id), share_id="share-1", refund=rupees(0), fee=rupees(225000)), wait=True)
    [told] = inbox(notify, token_issuer, payer)
    assert told.kind == "late_fee_kept" and told.title == "Nothing refunded: Rs 2,250 kept as the late-cancellation fee"
    assert "nothing goes back to your JazzCash wallet" in told.body and booking_id in told.body
    assert "kept all Rs 2,250 you paid" in told.body


def test_a_membership_plans_payment_and_refund_receipts_speak_of_the_membership(notify, token_issuer):
    payer, bill_id = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, payer, "member-payer@example.pk")
    payment = paid(payer, bill_id)
    payment.membership_id = str(uuid.uuid4())
    publish(notify.redis, "payment", payment_events.PaymentCaptured(payment=payment, booking_paid=True))
    publish(notify.redis, "payment", payment_events.PaymentRefunded(
        payment=payment, share_id="s1", refund=rupees(450050), fee=rupees(0)), wait=True)
    receipt, refund = inbox(notify, token_issuer, payer)
    assert "from your JazzCash wallet for your membership plan." in receipt.body and bill_id not in receipt.body
    assert "for a membership payment no longer due" in refund.body and "cancellation policy" not in refund.body


def test_a_refused_refund_of_a_membership_plans_payment_speaks_of_the_membership(notify, token_issuer):
    payer, owner, bill_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    payment = paid(payer, bill_id)
    payment.membership_id = str(uuid.uuid4())
    publish(notify.redis, "payment", payment_events.RefundFailed(
        payment=payment, share_id="s1", refund=rupees(450050), venue_owner_id=owner, refund_reference="R0013"),
        wait=True)
    [told] = inbox(notify, token_issuer, payer)
    assert told.kind == "refund_failed" and "for a membership payment no longer due." in told.body
    assert "booking" not in told.body and "R0013" in told.body
    [owner_told] = inbox(notify, token_issuer, owner)
    assert "of a membership plan's payment (bill " + bill_id + ")" in owner_told.body
    assert "settle it with the member" in owner_told.body and "booking" not in owner_told.body
