"""Members (issue 16) through the real server, from booking_svc's real event messages: the start of a
membership, the reminders to renew (before the period ends, then in grace) and its end, each told to
the member by their channels with the venue's dates."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from notify_standins import eventually, prefer, publish, register, stamp
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_service_pb2 as pb
from padel.user.v1 import user_pb2

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify

KARACHI = dt.timezone(dt.timedelta(hours=5))


def membership(player_id: str, paid_until: dt.datetime, state: str) -> booking_pb2.Membership:
    plan = booking_pb2.MembershipPlan(plan_id=str(uuid.uuid4()), name="Gold", grace_days=7,
                                      price=booking_pb2.Money(amount_paisa=500_000, currency="PKR"))
    return booking_pb2.Membership(membership_id=str(uuid.uuid4()), plan=plan, player_id=player_id,
                                  paid_until=stamp(paid_until), state=state,
                                  grace_ends_at=stamp(paid_until + dt.timedelta(days=7)))


def test_a_member_hears_of_the_start_the_renewal_reminders_and_the_end_of_their_membership(notify, smtp,
                                                                                           token_issuer):
    member = str(uuid.uuid4())
    register(notify.redis, member, "member@example.pk")
    prefer(notify.redis, member, [user_pb2.CHANNEL_EMAIL])
    until = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=5)
    where = {"venue_name": "Padel Arena DHA", "time_zone": "Asia/Karachi"}
    paid = booking_events.MembershipPaid(membership=membership(member, until, "active"), **where)
    event_id = publish(notify.redis, "booking", paid, wait=True)
    publish(notify.redis, "booking", paid, event_id, wait=True)  # redelivered: told once
    due = booking_events.MembershipRenewalDue(membership=membership(member, until, "active"), **where)
    publish(notify.redis, "booking", due, wait=True)

    mails = eventually(lambda: (found := smtp.to("member@example.pk")) and len(found) >= 2 and found)
    assert [m["Subject"] for m in mails] == ["Welcome, member: Gold at Padel Arena DHA",
                                             "Renew your Gold membership at Padel Arena DHA"]
    reminder = mails[1].get_body(("plain",)).get_content()
    assert f"runs until {until.astimezone(KARACHI):%d %b %Y %H:%M}" in reminder and "Rs 5,000" in reminder

    publish(notify.redis, "booking", booking_events.MembershipRenewalDue(
        membership=membership(member, until, "grace"), **where))
    publish(notify.redis, "booking", booking_events.MembershipExpired(
        membership=membership(member, until, "expired"), **where), wait=True)
    told = list(reversed(notify.stub.ListInbox(pb.ListInboxRequest(page_size=100),
                                               metadata=token_issuer.metadata(member)).messages))
    assert [m.kind for m in told] == ["membership_paid", "membership_renewal_due", "membership_renewal_due",
                                      "membership_expired"]
    assert "its benefits last until" in told[2].body
    assert "you book at the guest prices now" in told[3].body


def test_a_renewal_reminder_with_its_payment_open_links_to_the_pay_page(notify, token_issuer):
    member, bill_id = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, member, "payer-member@example.pk")
    until = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=5)
    renewal = membership(member, until, "active")
    renewal.bill_id = bill_id  # booking_svc opened the renewal's payment with the reminder
    publish(notify.redis, "booking", booking_events.MembershipRenewalDue(
        membership=renewal, venue_name="Padel Arena DHA", time_zone="Asia/Karachi"), wait=True)
    [told] = notify.stub.ListInbox(pb.ListInboxRequest(page_size=10), metadata=token_issuer.metadata(member)).messages
    assert re.search(rf"Renew it \(Rs 5,000\) online: http://127\.0\.0\.1:\d+/bookings/{bill_id}/pay", told.body), \
        told.body


def test_a_member_of_a_retired_plan_hears_until_when_it_lasts_that_it_is_not_renewed_and_their_renewal_is_off(
        notify, smtp, token_issuer):
    member, lingering = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, member, "retired-member@example.pk")
    prefer(notify.redis, member, [user_pb2.CHANNEL_EMAIL], kinds=())  # no news wanted: this one goes out all the same
    register(notify.redis, lingering, "lingering-member@example.pk")
    until = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=20)
    where = {"venue_name": "Padel Arena DHA", "time_zone": "Asia/Karachi"}
    publish(notify.redis, "booking", booking_events.MembershipPlanRetired(
        membership=membership(member, until, "active"), renewal_withdrawn=True, **where), wait=True)
    ended = until - dt.timedelta(days=22)
    publish(notify.redis, "booking", booking_events.MembershipPlanRetired(
        membership=membership(lingering, ended, "grace"), **where), wait=True)

    [mail] = eventually(lambda: smtp.to("retired-member@example.pk"))
    assert mail["Subject"] == "Padel Arena DHA no longer offers your Gold membership"
    body = mail.get_body(("plain",)).get_content()
    assert f"benefits until {until.astimezone(KARACHI):%d %b %Y %H:%M}" in body and "cannot be renewed" in body
    assert "The renewal payment you had opened is cancelled" in body
    [told] = notify.stub.ListInbox(pb.ListInboxRequest(page_size=10), metadata=token_issuer.metadata(lingering)).messages
    assert told.kind == "membership_plan_retired"
    grace_end = (ended + dt.timedelta(days=7)).astimezone(KARACHI)
    assert f"(its grace days) until {grace_end:%d %b %Y %H:%M}" in told.body and "renewal payment" not in told.body
