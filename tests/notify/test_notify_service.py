"""notify_svc's real server on port 0 with the full chain, fed through the event streams it reads,
sending to a real local SMTP server and a local HTTP provider stand-in."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
import time
import uuid

import grpc
import pytest
from prometheus_client import REGISTRY
from notify_standins import eventually, prefer, publish, register, snapshot, stamp
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_pb2, notify_service_pb2 as pb, notify_service_pb2_grpc
from padel.user.v1 import events_pb2 as user_events
from padel.user.v1 import user_pb2

from mesh.db import Database
from notify_svc.domain import Rendered
from notify_svc.server import MIGRATIONS
from notify_svc.service import Deliveries

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify

KARACHI = dt.timezone(dt.timedelta(hours=5))


def test_verification_email_carries_a_working_link_and_the_token(notify, smtp):
    user_id, token = str(uuid.uuid4()), "tok_" + uuid.uuid4().hex
    publish(notify.redis, "auth", auth_events.EmailVerificationRequested(
        user_id=user_id, email="ayesha@example.pk", first_name="Ayesha", token=token,
        expires_at=stamp(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=24))))

    mail = eventually(lambda: smtp.to("ayesha@example.pk"))[0]
    assert mail.get_content_type() == "multipart/alternative"  # plain text and HTML, a mail program picks
    body = mail.get_body(("html",)).get_content()
    assert "Verify your email" in mail["Subject"]
    assert f'href="http://127.0.0.1:3000/verify-email?token={token}"' in body
    assert token in re.sub(r"<[^>]+>", " ", body)  # also readable as a code, outside the link
    plain = mail.get_body(("plain",)).get_content()
    assert "<" not in plain and f"enter this code in the app: {token}" in plain
    assert f"http://127.0.0.1:3000/verify-email?token={token}" in plain
    [delivery] = notify.settled(user_id, 1)
    assert delivery.channel == notify_pb2.NOTIFICATION_CHANNEL_EMAIL
    assert delivery.status == notify_pb2.DELIVERY_STATUS_SENT
    assert delivery.recipient == "ay***@example.pk"


def test_security_email_ignores_preferences_without_email(notify, smtp, provider):
    user_id = str(uuid.uuid4())
    register(notify.redis, user_id, "sana@example.pk", phone="+923001234567")
    prefer(notify.redis, user_id, [user_pb2.CHANNEL_SMS], kinds=[])
    publish(notify.redis, "auth", auth_events.PasswordResetRequested(
        user_id=user_id, email="sana@example.pk", first_name="Sana", token="reset_" + uuid.uuid4().hex))

    mail = eventually(lambda: smtp.to("sana@example.pk"))[0]
    assert "/reset-password?token=reset_" in mail.get_body(("html",)).get_content()
    plain = mail.get_body(("plain",)).get_content()
    assert "http://127.0.0.1:3000/reset-password?token=reset_" in plain and "code in the app: reset_" in plain
    assert provider.requests == []


def test_booking_confirmation_reaches_email_and_sms_by_preferences(notify, smtp, provider, token_issuer):
    both, email_only = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, both, "bilal@example.pk", phone="+923001112223")
    register(notify.redis, email_only, "hina@example.pk", phone="+923004445556")
    prefer(notify.redis, both, [user_pb2.CHANNEL_EMAIL, user_pb2.CHANNEL_SMS])
    prefer(notify.redis, email_only, [user_pb2.CHANNEL_EMAIL])
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    for player in (both, email_only):
        publish(notify.redis, "booking", booking_events.BookingConfirmed(
            booking=snapshot(player, start, venue="Padel <Arena> DHA")))

    bilal_mail = eventually(lambda: smtp.to("bilal@example.pk"))[0]
    assert "Booking confirmed" in bilal_mail["Subject"]
    assert "Padel &lt;Arena&gt; DHA" in bilal_mail.get_body(("html",)).get_content()  # autoescaped HTML
    assert "Rs 4,500" in bilal_mail.get_body(("html",)).get_content()
    assert "Padel <Arena> DHA" in bilal_mail.get_body(("plain",)).get_content()  # the plain part reads as text
    sms = eventually(lambda: provider.to("+923001112223"))[0]
    assert sms["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert sms["headers"]["Authorization"].startswith("Basic ")
    form = provider.form(provider.requests.index(sms))
    assert form["From"] == "+15550001111"
    assert "Padel <Arena> DHA" in form["Body"]  # plain text, not escaped
    eventually(lambda: smtp.to("hina@example.pk"))
    assert provider.to("+923004445556") == []  # Hina wants email only

    # Every booking message also lands in the in-app inbox, unread.
    inbox = notify.stub.ListInbox(pb.ListInboxRequest(), metadata=token_issuer.metadata(both))
    assert [m.kind for m in inbox.messages] == ["booking_confirmed"] and inbox.unread_count == 1
    channels = {d.channel: d.status for d in notify.settled(both, 3)}
    assert channels == {notify_pb2.NOTIFICATION_CHANNEL_EMAIL: notify_pb2.DELIVERY_STATUS_SENT,
                        notify_pb2.NOTIFICATION_CHANNEL_SMS: notify_pb2.DELIVERY_STATUS_SENT,
                        notify_pb2.NOTIFICATION_CHANNEL_IN_APP: notify_pb2.DELIVERY_STATUS_DELIVERED}


def test_an_instant_booking_sends_one_booking_confirmed(notify, smtp):
    """A venue confirming at once publishes BookingCreated and BookingConfirmed: one message, not two."""
    user_id = str(uuid.uuid4())
    register(notify.redis, user_id, "instant@example.pk")
    booked = snapshot(user_id, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2))
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=booked))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=booked), wait=True)
    assert sorted((d.kind, d.channel) for d in notify.settled(user_id, 2)) == [
        ("booking_confirmed", notify_pb2.NOTIFICATION_CHANNEL_EMAIL),
        ("booking_confirmed", notify_pb2.NOTIFICATION_CHANNEL_IN_APP)]
    assert [m["Subject"].split(":")[0] for m in smtp.to("instant@example.pk")] == ["Booking confirmed"]


def test_switching_confirmations_off_does_not_silence_a_cancellation_or_a_move(notify, smtp):
    user_id = str(uuid.uuid4())
    register(notify.redis, user_id, "quiet-player@example.pk")
    prefer(notify.redis, user_id, [user_pb2.CHANNEL_EMAIL], kinds=[user_pb2.NOTIFICATION_KIND_REMINDERS])
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    booked = snapshot(user_id, start)
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=booked))
    publish(notify.redis, "booking", booking_events.BookingRescheduled(
        booking=snapshot(user_id, start + dt.timedelta(hours=2), booking_id=booked.booking_id),
        previous_start_time=booked.start_time))
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=snapshot(user_id, start, booking_id=booked.booking_id, status=booking_pb2.BOOKING_STATUS_CANCELLED),
        cancellation=booking_pb2.Cancellation(reason="court flooded")), wait=True)
    mails = eventually(lambda: len(smtp.to("quiet-player@example.pk")) == 2 and smtp.to("quiet-player@example.pk"))
    assert [m["Subject"].split(":")[0] for m in mails] == ["Booking moved", "Booking cancelled"]
    assert "booking_confirmed" not in {d.kind for d in notify.logs(user_id=user_id)}


def test_a_connection_request_and_its_acceptance_are_announced(notify, smtp, token_issuer):
    """user_svc's ConnectionRequested tells the addressee, ConnectionAccepted the requester."""
    requester, addressee, nameless = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, addressee, "sana@example.pk")
    publish(notify.redis, "user", user_events.ConnectionRequested(
        requester_id=requester, requester_name="Bilal Ahmed", addressee_id=addressee))
    publish(notify.redis, "user", user_events.ConnectionAccepted(
        requester_id=requester, addressee_id=addressee, addressee_name="Sana Malik"))
    publish(notify.redis, "user", user_events.ConnectionRequested(requester_id=nameless, addressee_id=requester))
    # Players whose first calls made their profiles before auth's registration reached user_svc: it
    # names them to nobody yet, notify names them as auth registered them.
    asking, accepting = str(uuid.uuid4()), str(uuid.uuid4())
    publish(notify.redis, "auth", auth_events.UserRegistered(user_id=asking, email="omar@example.pk",
                                                             first_name="Omar", last_name="Farooq"), wait=True)
    publish(notify.redis, "auth", auth_events.UserRegistered(user_id=accepting, email="zara@example.pk",
                                                             first_name="Zara", last_name="Sheikh"), wait=True)
    publish(notify.redis, "user", user_events.ConnectionRequested(requester_id=asking, addressee_id=requester))
    publish(notify.redis, "user", user_events.ConnectionAccepted(requester_id=requester, addressee_id=accepting),
            wait=True)

    mail = eventually(lambda: smtp.to("sana@example.pk"))[0]
    assert mail["Subject"] == "Bilal Ahmed wants to connect"
    told = notify.stub.ListInbox(pb.ListInboxRequest(), metadata=token_issuer.metadata(requester)).messages
    assert [m.title for m in reversed(told)] == ["Sana Malik accepted your connection", "A player wants to connect",
                                                 "Omar Farooq wants to connect", "Zara Sheikh accepted your connection"]
    assert notify.logs(user_id=nameless) == []  # the one who asks hears nothing of their own request


def test_urdu_speakers_get_the_urdu_template(notify, smtp):
    user_id = str(uuid.uuid4())
    register(notify.redis, user_id, "urdu@example.pk")
    prefer(notify.redis, user_id, [user_pb2.CHANNEL_EMAIL], language=user_pb2.LANGUAGE_UR)
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=snapshot(user_id, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)),
        cancellation=booking_pb2.Cancellation(reason="rain", refund=booking_pb2.Money(amount_paisa=450000))))
    mail = eventually(lambda: smtp.to("urdu@example.pk"))[0]
    assert "بکنگ منسوخ" in mail["Subject"]
    assert "rain" in mail.get_body(("plain",)).get_content()


def counted(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_provider_503_is_retried_until_it_succeeds(notify, provider):
    user_id = str(uuid.uuid4())
    retries, sent = counted("padel_notifications_sent_total", channel="sms", outcome="retry"), \
        counted("padel_notifications_sent_total", channel="sms", outcome="sent")
    timed = counted("padel_notification_delivery_seconds_count", channel="sms")
    provider.statuses = [503, 503]
    register(notify.redis, user_id, "", phone="+923005550001")
    prefer(notify.redis, user_id, [user_pb2.CHANNEL_SMS])
    publish(notify.redis, "booking", booking_events.BookingCreated(
        booking=snapshot(user_id, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2),
                         status=booking_pb2.BOOKING_STATUS_PENDING)))

    sms = [d for d in notify.settled(user_id, 2) if d.channel == notify_pb2.NOTIFICATION_CHANNEL_SMS][0]
    assert sms.status == notify_pb2.DELIVERY_STATUS_SENT and sms.attempts == 3
    assert [r["status"] for r in provider.to("+923005550001")] == [503, 503, 201]
    # The metrics say the same: two retries, one success, its queue-to-sent time observed.
    assert counted("padel_notifications_sent_total", channel="sms", outcome="retry") - retries == 2
    assert counted("padel_notifications_sent_total", channel="sms", outcome="sent") - sent == 1
    assert counted("padel_notification_delivery_seconds_count", channel="sms") - timed == 1


def test_provider_400_is_not_retried(notify, provider):
    user_id = str(uuid.uuid4())
    provider.statuses = [400]
    register(notify.redis, user_id, "", phone="+923005550002")
    prefer(notify.redis, user_id, [user_pb2.CHANNEL_SMS])
    publish(notify.redis, "booking", booking_events.BookingNoShow(
        booking=snapshot(user_id, dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2))))

    sms = [d for d in notify.settled(user_id, 2) if d.channel == notify_pb2.NOTIFICATION_CHANNEL_SMS][0]
    assert sms.status == notify_pb2.DELIVERY_STATUS_FAILED and sms.attempts == 1
    assert "HTTP 400" in sms.last_error and "sms-secret" not in sms.last_error
    # The provider echoed the number; the log shows it masked like the recipient column.
    assert "+923***02" in sms.last_error and "3005550002" not in sms.last_error
    assert sms.recipient == "+923***02"
    time.sleep(0.5)  # several retry periods
    assert len(provider.to("+923005550002")) == 1


def test_an_outage_past_the_last_try_ends_dead_and_smtp_4xx_is_retried(start_service, notify_env, embedded_redis,
                                                                       provider, smtp, token_issuer):
    host, channel = start_service("notify", **notify_env, PADEL_NOTIFY_MAX_ATTEMPTS="3")
    stub = notify_service_pb2_grpc.NotifyServiceStub(channel)
    admin = token_issuer.metadata(str(uuid.uuid4()), ("admin",))
    user_id = str(uuid.uuid4())
    provider.statuses = [503] * 10
    smtp.replies = ["451 4.3.0 try again later"]
    register(embedded_redis, user_id, "down@example.pk", phone="+923005550003")
    prefer(embedded_redis, user_id, [user_pb2.CHANNEL_SMS, user_pb2.CHANNEL_EMAIL])
    publish(embedded_redis, "booking", booking_events.BookingConfirmed(
        booking=snapshot(user_id, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5))))

    def final():
        rows = stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(user_id=user_id), metadata=admin).deliveries
        by_channel = {d.channel: d for d in rows}
        done = len(rows) == 3 and all(d.status != notify_pb2.DELIVERY_STATUS_QUEUED for d in rows)
        return by_channel if done else None

    rows = eventually(final)
    assert rows[notify_pb2.NOTIFICATION_CHANNEL_SMS].status == notify_pb2.DELIVERY_STATUS_DEAD
    assert rows[notify_pb2.NOTIFICATION_CHANNEL_SMS].attempts == 3
    assert len(provider.to("+923005550003")) == 3
    assert rows[notify_pb2.NOTIFICATION_CHANNEL_EMAIL].status == notify_pb2.DELIVERY_STATUS_SENT
    assert rows[notify_pb2.NOTIFICATION_CHANNEL_EMAIL].attempts == 2
    dead = stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(status=notify_pb2.DELIVERY_STATUS_DEAD), metadata=admin)
    assert [d.delivery_id for d in dead.deliveries] == [rows[notify_pb2.NOTIFICATION_CHANNEL_SMS].delivery_id]


def test_consumer_restart_mid_stream_repeats_nothing_and_loses_nothing(notify, smtp):
    sent_before = [publish(notify.redis, "auth", auth_events.EmailVerificationRequested(
        user_id=str(uuid.uuid4()), email=f"before{i}@example.pk", first_name="A", token=f"token-before-{i}-" + "x" * 16))
        for i in range(5)]
    eventually(lambda: len(smtp.messages) == 5)
    notify.stop()
    for i in range(5):
        publish(notify.redis, "auth", auth_events.EmailVerificationRequested(
            user_id=str(uuid.uuid4()), email=f"during{i}@example.pk", first_name="A", token=f"token-during-{i}-" + "x" * 16))
    # The same event delivered twice (as a relay retry would) is handled once.
    duplicate = auth_events.EmailVerificationRequested(user_id=str(uuid.uuid4()), email="twice@example.pk",
                                                       first_name="A", token="token-twice-" + "x" * 16)
    publish(notify.redis, "auth", duplicate, event_id=sent_before[0])
    publish(notify.redis, "auth", duplicate, event_id="dup-" + sent_before[1][4:])
    publish(notify.redis, "auth", duplicate, event_id="dup-" + sent_before[1][4:])
    notify.start()

    eventually(lambda: len(smtp.messages) == 11)
    time.sleep(0.5)
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == sorted([f"before{i}@example.pk" for i in range(5)] +
                                [f"during{i}@example.pk" for i in range(5)] + ["twice@example.pk"])


def test_a_reminder_survives_a_restart_and_is_sent_once(notify, smtp):
    user_id = str(uuid.uuid4())
    register(notify.redis, user_id, "remind@example.pk")
    # Lead time 120 min: a booking starting in 120 min + 1.5 s is due for its reminder in 1.5 s.
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=120, seconds=1.5)
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=snapshot(user_id, start)))
    eventually(lambda: smtp.to("remind@example.pk"))  # the confirmation
    notify.stop()
    notify.start()
    reminders = eventually(lambda: [m for m in smtp.to("remind@example.pk") if m["Subject"].startswith("Reminder")])
    notify.stop()
    notify.start()
    time.sleep(0.5)
    assert len([m for m in smtp.to("remind@example.pk") if m["Subject"].startswith("Reminder")]) == 1
    local = start.astimezone(KARACHI).strftime("%H:%M")
    assert local in reminders[0]["Subject"]


def test_a_cancelled_booking_gets_no_reminder_and_a_moved_one_is_reminded_at_its_new_time(notify, smtp):
    user_id = str(uuid.uuid4())
    register(notify.redis, user_id, "moved@example.pk")
    now = dt.datetime.now(dt.timezone.utc)
    cancelled, moved = snapshot(user_id, now + dt.timedelta(hours=1)), snapshot(user_id, now + dt.timedelta(days=2))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=moved))
    publish(notify.redis, "booking", booking_events.BookingRescheduled(
        booking=snapshot(user_id, now + dt.timedelta(minutes=90), booking_id=moved.booking_id),
        previous_start_time=moved.start_time))
    publish(notify.redis, "booking", booking_events.BookingCancelled(booking=cancelled))  # never confirmed
    reminders = eventually(lambda: [m for m in smtp.to("moved@example.pk") if m["Subject"].startswith("Reminder")])
    assert len(reminders) == 1
    local = (now + dt.timedelta(minutes=90)).astimezone(KARACHI).strftime("%H:%M")
    assert local in reminders[0]["Subject"]


def test_quiet_hours_hold_back_a_reminder_but_not_a_password_reset(notify, smtp):
    user_id = str(uuid.uuid4())
    local_now = dt.datetime.now(KARACHI)
    quiet = ((local_now - dt.timedelta(hours=1)).strftime("%H:%M"), (local_now + dt.timedelta(hours=1)).strftime("%H:%M"))
    register(notify.redis, user_id, "night@example.pk")
    prefer(notify.redis, user_id, [user_pb2.CHANNEL_EMAIL], quiet=quiet,
           kinds=[user_pb2.NOTIFICATION_KIND_REMINDERS])
    publish(notify.redis, "booking", booking_events.BookingConfirmed(
        booking=snapshot(user_id, dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1))))
    publish(notify.redis, "auth", auth_events.PasswordResetRequested(
        user_id=user_id, email="night@example.pk", first_name="Night", token="reset_" + uuid.uuid4().hex))

    reset = eventually(lambda: smtp.to("night@example.pk"))
    assert "Reset your" in reset[0]["Subject"]
    reminder = eventually(lambda: [d for d in notify.logs(user_id=user_id) if d.kind == "booking_reminder"
                                   and d.channel == notify_pb2.NOTIFICATION_CHANNEL_EMAIL])[0]
    time.sleep(0.5)
    assert len(smtp.to("night@example.pk")) == 1
    assert reminder.status == notify_pb2.DELIVERY_STATUS_QUEUED
    quiet_end = dt.datetime.combine(local_now.date(), dt.time.fromisoformat(quiet[1]), tzinfo=KARACHI)
    if quiet_end < local_now:
        quiet_end += dt.timedelta(days=1)
    assert reminder.next_attempt_at.ToDatetime(tzinfo=dt.timezone.utc) == quiet_end


def test_templates_are_listed_and_checked_when_saved(notify, token_issuer, smtp):
    player = token_issuer.metadata(str(uuid.uuid4()))
    listed = notify.stub.ListTemplates(pb.ListTemplatesRequest(kind="booking_confirmed"), metadata=player).templates
    assert {(t.channel, t.language) for t in listed} >= {
        (notify_pb2.NOTIFICATION_CHANNEL_EMAIL, user_pb2.LANGUAGE_EN), (notify_pb2.NOTIFICATION_CHANNEL_SMS, user_pb2.LANGUAGE_UR)}
    assert all(t.built_in and "venue_name" in t.variables for t in listed)

    def upsert(metadata, **fields):
        template = notify_pb2.Template(kind="booking_confirmed", channel=notify_pb2.NOTIFICATION_CHANNEL_EMAIL,
                                       language=user_pb2.LANGUAGE_EN, **fields)
        return notify.stub.UpsertTemplate(pb.UpsertTemplateRequest(template=template), metadata=metadata)

    with pytest.raises(grpc.RpcError) as denied:
        upsert(player, subject="Hi", body="Hello {{ first_name }}")
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as unknown:
        upsert(notify.admin, subject="Hi", body="Hello {{ first_name }}, pay {{ iban }}")
    assert unknown.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "template.body" in unknown.value.details() and "iban" in unknown.value.details()
    with pytest.raises(grpc.RpcError) as broken:
        upsert(notify.admin, subject="{{ venue_name ", body="Hello")
    assert broken.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "template.subject" in broken.value.details()

    saved = upsert(notify.admin, subject="Game on at {{ venue_name }}", body="<p>{{ first_name }}: {{ date }}</p>").template
    assert not saved.built_in
    notify.stop()
    notify.start()  # defaults are installed again at start, but an admin's edit stays
    [kept] = notify.stub.ListTemplates(pb.ListTemplatesRequest(
        kind="booking_confirmed", channel=notify_pb2.NOTIFICATION_CHANNEL_EMAIL, language=user_pb2.LANGUAGE_EN),
        metadata=player).templates
    assert kept.subject == "Game on at {{ venue_name }}" and not kept.built_in
    user_id = str(uuid.uuid4())
    register(notify.redis, user_id, "edited@example.pk")
    publish(notify.redis, "booking", booking_events.BookingConfirmed(
        booking=snapshot(user_id, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=4), venue="Smash Club")))
    assert eventually(lambda: smtp.to("edited@example.pk"))[0]["Subject"] == "Game on at Smash Club"


def test_admin_sends_free_and_templated_messages_and_reads_the_log(notify, smtp, token_issuer):
    user_id = str(uuid.uuid4())
    register(notify.redis, user_id, "admin-sent@example.pk")
    player = token_issuer.metadata(user_id)

    with pytest.raises(grpc.RpcError) as denied:
        notify.stub.SendNotification(pb.SendNotificationRequest(user_id=user_id, body="hi"), metadata=player)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as missing:
        notify.stub.SendNotification(pb.SendNotificationRequest(user_id=user_id, kind="announcement",
                                                                channels=[notify_pb2.NOTIFICATION_CHANNEL_EMAIL],
                                                                variables={"headline": "New courts"}),
                                     metadata=notify.admin)
    assert missing.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "variables" in missing.value.details()

    free = notify.stub.SendNotification(pb.SendNotificationRequest(
        user_id=user_id, channels=[notify_pb2.NOTIFICATION_CHANNEL_EMAIL, notify_pb2.NOTIFICATION_CHANNEL_IN_APP],
        subject="Courts closed Friday", body="Maintenance on Friday."), metadata=notify.admin)
    assert len(free.deliveries) == 2
    with pytest.raises(grpc.RpcError) as opted_out:  # marketing is off until the player opts in
        notify.stub.SendNotification(pb.SendNotificationRequest(
            user_id=user_id, kind="announcement", variables={"headline": "New courts", "message": "Two more."}),
            metadata=notify.admin)
    assert opted_out.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    templated = notify.stub.SendNotification(pb.SendNotificationRequest(
        user_id=user_id, kind="announcement", variables={"headline": "New courts", "message": "Two more in DHA."},
        channels=[notify_pb2.NOTIFICATION_CHANNEL_EMAIL, notify_pb2.NOTIFICATION_CHANNEL_IN_APP]),
        metadata=notify.admin)
    assert [d.channel for d in templated.deliveries] == [notify_pb2.NOTIFICATION_CHANNEL_EMAIL,
                                                          notify_pb2.NOTIFICATION_CHANNEL_IN_APP]

    mails = eventually(lambda: len(smtp.to("admin-sent@example.pk")) == 2 and smtp.to("admin-sent@example.pk"))
    assert {m["Subject"] for m in mails} == {"Courts closed Friday", "New courts"}
    first = notify.stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(user_id=user_id, page_size=3), metadata=notify.admin)
    second = notify.stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(user_id=user_id, page_size=3,
                                                                     page_token=first.next_page_token),
                                          metadata=notify.admin)
    assert len(first.deliveries) == 3 and len(second.deliveries) == 1 and not second.next_page_token
    everything = [*first.deliveries, *second.deliveries]
    assert [d.created_at.ToNanoseconds() for d in everything] == sorted(
        (d.created_at.ToNanoseconds() for d in everything), reverse=True)
    in_app = notify.stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(
        user_id=user_id, channel=notify_pb2.NOTIFICATION_CHANNEL_IN_APP), metadata=notify.admin).deliveries
    assert len(in_app) == 2 and all(d.status == notify_pb2.DELIVERY_STATUS_DELIVERED for d in in_app)
    with pytest.raises(grpc.RpcError) as bad_token:
        notify.stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(page_token="not-a-token"), metadata=notify.admin)
    assert bad_token.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in bad_token.value.details()
    with pytest.raises(grpc.RpcError) as not_admin:
        notify.stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(), metadata=player)
    assert not_admin.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_inbox_is_private_and_marks_read(notify, token_issuer):
    owner, other = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, owner, "owner@example.pk")
    for subject in ("First", "Second"):
        notify.stub.SendNotification(pb.SendNotificationRequest(
            user_id=owner, channels=[notify_pb2.NOTIFICATION_CHANNEL_IN_APP], subject=subject, body="text"),
            metadata=notify.admin)
    mine = notify.stub.ListInbox(pb.ListInboxRequest(), metadata=token_issuer.metadata(owner))
    assert [m.title for m in mine.messages] == ["Second", "First"] and mine.unread_count == 2

    with pytest.raises(grpc.RpcError) as foreign:
        notify.stub.MarkInboxRead(pb.MarkInboxReadRequest(message_id=mine.messages[0].message_id),
                                  metadata=token_issuer.metadata(other))
    assert foreign.value.code() == grpc.StatusCode.NOT_FOUND
    read = notify.stub.MarkInboxRead(pb.MarkInboxReadRequest(message_id=mine.messages[0].message_id),
                                     metadata=token_issuer.metadata(owner)).message
    assert read.HasField("read_at")
    unread = notify.stub.ListInbox(pb.ListInboxRequest(unread_only=True), metadata=token_issuer.metadata(owner))
    assert [m.title for m in unread.messages] == ["First"] and unread.unread_count == 1
    assert notify.stub.ListInbox(pb.ListInboxRequest(), metadata=token_issuer.metadata(other)).messages == []


def test_the_inbox_is_read_a_page_at_a_time(notify, token_issuer):
    owner = str(uuid.uuid4())
    register(notify.redis, owner, "pages@example.pk")
    for subject in ("First", "Second", "Third"):
        notify.stub.SendNotification(pb.SendNotificationRequest(
            user_id=owner, channels=[notify_pb2.NOTIFICATION_CHANNEL_IN_APP], subject=subject, body="text"),
            metadata=notify.admin)
    mine = token_issuer.metadata(owner)
    first = notify.stub.ListInbox(pb.ListInboxRequest(page_size=2), metadata=mine)
    second = notify.stub.ListInbox(pb.ListInboxRequest(page_size=2, page_token=first.next_page_token), metadata=mine)
    assert [m.title for m in first.messages] == ["Third", "Second"] and first.unread_count == 3
    assert [m.title for m in second.messages] == ["First"] and not second.next_page_token
    with pytest.raises(grpc.RpcError) as foreign:  # the delivery log's token is no inbox token
        notify.stub.ListInbox(pb.ListInboxRequest(page_token=notify.stub.ListDeliveryLogs(
            pb.ListDeliveryLogsRequest(user_id=owner, page_size=1), metadata=notify.admin).next_page_token),
            metadata=mine)
    assert foreign.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in foreign.value.details()


def test_without_providers_messages_land_in_the_outbox_folder(start_service, embedded_redis, tmp_path):
    start_service("notify", PADEL_NOTIFY_POLL_SECONDS="0.05")
    token = "tok_" + uuid.uuid4().hex
    publish(embedded_redis, "auth", auth_events.EmailVerificationRequested(
        user_id=str(uuid.uuid4()), email="newcomer@example.pk", first_name="New", token=token))
    [eml] = eventually(lambda: list((tmp_path / "data" / "outbox").glob("*-email-*.eml")))
    mail = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert mail["To"] == "newcomer@example.pk"
    assert f"/verify-email?token={token}" in mail.get_body(("plain",)).get_content()


def test_an_admin_send_reaches_only_users_auth_or_user_svc_told_notify_about(notify, token_issuer):
    """notify knows a user from auth's events (registration, security links) and user_svc's
    preferences; an id it only saw in a booking's list of invited players, or never saw, is nobody."""
    stranger, invited_only, registered, with_preferences = (str(uuid.uuid4()) for _ in range(4))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=snapshot(
        str(uuid.uuid4()), dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2), participants=[invited_only])),
        wait=True)
    register(notify.redis, registered, "known@example.pk")
    prefer(notify.redis, with_preferences, [user_pb2.CHANNEL_EMAIL])

    def send(user_id: str) -> pb.SendNotificationResponse:
        return notify.stub.SendNotification(pb.SendNotificationRequest(
            user_id=user_id, channels=[notify_pb2.NOTIFICATION_CHANNEL_IN_APP], subject="Courts closed Friday",
            body="Maintenance on Friday."), metadata=notify.admin)

    for nobody in (stranger, invited_only):
        before = notify.logs(user_id=nobody)
        with pytest.raises(grpc.RpcError) as unknown:
            send(nobody)
        assert unknown.value.code() == grpc.StatusCode.NOT_FOUND and "user" in unknown.value.details()
        assert notify.logs(user_id=nobody) == before  # nothing queued for nobody
        assert all(m.title != "Courts closed Friday" for m in notify.stub.ListInbox(
            pb.ListInboxRequest(), metadata=token_issuer.metadata(nobody)).messages)
    for somebody in (registered, with_preferences):
        [delivery] = send(somebody).deliveries
        assert delivery.status == notify_pb2.DELIVERY_STATUS_DELIVERED


def test_an_account_holder_is_told_of_a_repeated_registration_and_of_failed_sign_ins(notify, smtp):
    """auth answers a second registration of an email as a new one and slows a guesser down without
    locking anyone out; the account holder hears of both by email, with a link to choose a new password."""
    user_id = str(uuid.uuid4())
    register(notify.redis, user_id, "owner@example.pk")
    publish(notify.redis, "auth", auth_events.RegistrationAttempted(
        user_id=user_id, email="owner@example.pk", first_name="Owner"))
    publish(notify.redis, "auth", auth_events.SignInFailuresDetected(
        user_id=user_id, email="owner@example.pk", first_name="Owner", failures=4, client_addresses=2))

    mails = eventually(lambda: len(smtp.to("owner@example.pk")) == 2 and smtp.to("owner@example.pk"))
    by_subject = {mail["Subject"]: mail for mail in mails}
    assert set(by_subject) == {"Someone tried to register with your email",
                               "Failed sign-ins to your Padel Platform account"}
    for mail in mails:
        text = mail.get_body(("plain", "html")).get_content()
        assert "/forgot-password" in text and "Owner" in text
    assert "4 sign-ins" in by_subject["Failed sign-ins to your Padel Platform account"].get_body(
        ("plain", "html")).get_content()


def test_push_goes_to_every_registered_phone_through_fcm_until_the_account_is_deleted(start_service, notify_env,
                                                                                      embedded_redis, provider,
                                                                                      token_issuer, firebase):
    _host, channel = start_service("notify", **notify_env, PADEL_NOTIFY_FCM_BASE_URL=provider.url,
                                   PADEL_NOTIFY_FCM_SERVICE_ACCOUNT_FILE=str(firebase.file))
    stub = notify_service_pb2_grpc.NotifyServiceStub(channel)
    player, admin = str(uuid.uuid4()), token_issuer.metadata(str(uuid.uuid4()), ("admin",))
    register(embedded_redis, player, "phones@example.pk")
    prefer(embedded_redis, player, [user_pb2.CHANNEL_PUSH])
    phones = ["fcm:" + uuid.uuid4().hex + "-phone", "fcm:" + uuid.uuid4().hex + "-tablet"]
    devices = [stub.RegisterDevice(pb.RegisterDeviceRequest(token=token), metadata=token_issuer.metadata(player)).device
               for token in phones]

    publish(embedded_redis, "booking", booking_events.BookingConfirmed(
        booking=snapshot(player, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2))))
    pushed = eventually(lambda: len(provider.requests) == 2 and provider.requests)
    assert {r["path"] for r in pushed} == {"/v1/projects/padel-firebase/messages:send"}
    assert {r["headers"]["Authorization"] for r in pushed} == {"Bearer fcm-access-1"}  # the service account's
    messages = [json.loads(r["body"])["message"] for r in pushed]
    assert sorted(m["token"] for m in messages) == sorted(phones)
    assert all(m["notification"]["title"].startswith("Booking confirmed") for m in messages)

    # FCM says one phone's app is gone (404 UNREGISTERED): it is forgotten, the other keeps getting pushes.
    provider.statuses = [404]
    for _ in range(2):
        publish(embedded_redis, "booking", booking_events.BookingConfirmed(
            booking=snapshot(player, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3))), wait=True)
        eventually(lambda: all(d.status != notify_pb2.DELIVERY_STATUS_QUEUED for d in notify_logs(stub, admin, player)))
    later = [json.loads(r["body"])["message"]["token"] for r in provider.requests[2:]]
    [gone] = [json.loads(r["body"])["message"]["token"] for r in provider.requests[2:] if r["status"] == 404]
    assert len(later) == 3 and later.count(gone) == 1  # two pushes, then only the phone still there

    publish(embedded_redis, "auth", auth_events.AccountDeleted(user_id=player), wait=True)
    with pytest.raises(grpc.RpcError) as gone:  # the account's devices went with it
        stub.UnregisterDevice(pb.UnregisterDeviceRequest(device_id=devices[0].device_id),
                              metadata=token_issuer.metadata(player))
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND


def notify_logs(stub, admin, user_id: str) -> list[notify_pb2.Delivery]:
    """The user's delivery log (admins)."""
    listed = stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(user_id=user_id, page_size=100), metadata=admin)
    return list(listed.deliveries)


def test_an_in_app_message_counts_as_delivered_once_when_its_batch_rolls_back_and_is_handled_again(sqlite_url):
    """The consumer handles a read's events in one transaction; when one fails, the others are rolled back
    and handled again, each alone: the message they queue counts once, when it is committed."""
    database = Database(sqlite_url)
    database.migrate(MIGRATIONS)
    deliveries, user_id = Deliveries(None, {}), str(uuid.uuid4())

    def delivered() -> float:
        return REGISTRY.get_sample_value("padel_notifications_sent_total",
                                         {"channel": "in_app", "outcome": "delivered"}) or 0.0

    def handle(session) -> None:
        deliveries.queue(session, user_id, "announcement", {}, channels=["in_app"], free=Rendered("Hello", "Courts open"))

    before = delivered()
    with pytest.raises(RuntimeError), database.session() as session:
        handle(session)
        raise RuntimeError("another event read with it failed")
    assert delivered() == before
    with database.session() as session:
        handle(session)
    assert delivered() == before + 1
    database.dispose()
