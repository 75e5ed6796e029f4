"""Admin templates cannot take notify down: a template that would grow past the limits or render for
too long is refused when saved, and one that fails only with real values at send time fails only its
own delivery (logged, marked failed) while every other message goes out and the worker keeps going."""

from __future__ import annotations

import datetime as dt
import uuid

import grpc
import pytest
from notify_standins import eventually, prefer, publish, register, snapshot
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_pb2, notify_service_pb2 as pb
from padel.user.v1 import user_pb2

from notify_svc import convert, templates

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify

EMAIL, SMS = notify_pb2.NOTIFICATION_CHANNEL_EMAIL, notify_pb2.NOTIFICATION_CHANNEL_SMS


def upsert(notify, kind: str, channel: int, subject: str, body: str) -> notify_pb2.Template:
    template = notify_pb2.Template(kind=kind, channel=channel, language=user_pb2.LANGUAGE_EN, subject=subject,
                                   body=body)
    return notify.stub.UpsertTemplate(pb.UpsertTemplateRequest(template=template), metadata=notify.admin).template


def refusal(notify, subject: str, body: str) -> str:
    """The details of the INVALID_ARGUMENT that saving the booking_confirmed email template gets."""
    with pytest.raises(grpc.RpcError) as refused:
        upsert(notify, "booking_confirmed", EMAIL, subject, body)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    return refused.value.details()


@pytest.mark.parametrize(("field", "text", "problem"), [
    ("body", '{{ ("a"*100000)*100000 }}', "100000"),                     # took the process past 2.8 GB
    ("body", "{{ range(10**9)|list }}", "range"),                          # saved, then every send a 500
    ("subject", "{{ range(10**9)|list }}", "range"),
    ("body", '{{ "a"|center(10**9) }}', "MiB"),                           # a filter the sandbox does not watch
    ("body", '{{ [("a"*100000)]*100000 }}', ""),                           # small parts, huge as text
    ("body", "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", "s to render"),
])
def test_a_template_past_the_limits_is_refused_when_saved(notify, field, text, problem):
    fields = {"subject": "Booking confirmed", "body": "Hi {{ first_name }}", field: text}
    details = refusal(notify, fields["subject"], fields["body"])
    assert f"template.{field}" in details and problem in details
    # notify is still there, and what is stored is what shipped.
    [stored] = notify.stub.ListTemplates(pb.ListTemplatesRequest(
        kind="booking_confirmed", channel=EMAIL, language=user_pb2.LANGUAGE_EN), metadata=notify.admin).templates
    assert stored.built_in


def test_a_template_that_fails_only_with_real_values_fails_only_its_own_delivery(notify, smtp, provider):
    # Passes the save (the sample reason is short); a long reason makes it blow the range limit.
    upsert(notify, "booking_cancelled", EMAIL, "Cancelled: {{ venue_name }}",
           "{% if reason|length > 40 %}{{ range(10**9)|list }}{% endif %}Hi {{ first_name }}, ({{ reason }})")
    unlucky, other = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, unlucky, "unlucky@example.pk", phone="+923004440001")
    prefer(notify.redis, unlucky, [user_pb2.CHANNEL_EMAIL, user_pb2.CHANNEL_SMS])
    register(notify.redis, other, "other@example.pk")
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=snapshot(unlucky, start), cancellation=booking_pb2.Cancellation(reason="the venue closed for a private "
                                                                                   "event that was booked long ago")))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=snapshot(other, start)))

    eventually(lambda: smtp.to("other@example.pk"))  # the next event was handled, its message sent
    rows = {d.channel: d for d in notify.settled(unlucky, 3)}
    assert rows[EMAIL].status == notify_pb2.DELIVERY_STATUS_FAILED
    assert "booking_cancelled" in rows[EMAIL].last_error and "range" in rows[EMAIL].last_error
    assert smtp.to("unlucky@example.pk") == []
    # The same event's other channels used their own templates and went out.
    assert rows[SMS].status == notify_pb2.DELIVERY_STATUS_SENT and provider.to("+923004440001")
    assert rows[notify_pb2.NOTIFICATION_CHANNEL_IN_APP].status == notify_pb2.DELIVERY_STATUS_DELIVERED


def test_a_reminder_template_failing_in_the_delivery_worker_stops_nothing_else(notify, smtp):
    upsert(notify, "booking_reminder", EMAIL, "Reminder: {{ venue_name }}",
           '{% if venue_name == "Broken Courts" %}{{ range(10**9)|list }}{% endif %}See you, {{ first_name }}')
    player = str(uuid.uuid4())
    register(notify.redis, player, "reminded@example.pk")
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=119)  # its reminder is due at once
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=snapshot(player, soon,
                                                                                      venue="Broken Courts")))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=snapshot(player, soon,
                                                                                      venue="Padel Arena DHA")))

    mails = eventually(lambda: [m["Subject"] for m in smtp.to("reminded@example.pk")
                                if m["Subject"].startswith("Reminder")])
    assert mails == ["Reminder: Padel Arena DHA"]
    failed = [d for d in notify.logs(user_id=player) if d.status == notify_pb2.DELIVERY_STATUS_FAILED]
    assert [(d.kind, d.channel) for d in failed] == [("booking_reminder", EMAIL)]
    eventually(lambda: len(smtp.to("reminded@example.pk")) == 3)  # both confirmations too


def test_templates_are_listed_a_page_at_a_time(notify, token_issuer):
    player = token_issuer.metadata(str(uuid.uuid4()))

    def listed(**request) -> pb.ListTemplatesResponse:
        return notify.stub.ListTemplates(pb.ListTemplatesRequest(**request), metadata=player)

    first = listed()
    assert len(first.templates) == 20 and first.next_page_token  # the default page; more than that ship
    pages, token = [], ""
    while True:
        page = listed(language=user_pb2.LANGUAGE_UR, page_size=7, page_token=token)
        assert len(page.templates) <= 7
        pages.append(page)
        token = page.next_page_token
        if not token:
            break
    keys = [(t.kind, t.channel) for page in pages for t in page.templates]
    assert len(pages) > 2 and len(set(keys)) == len(keys)  # no template twice, none skipped below
    assert [kind for kind, _channel in keys] == sorted(kind for kind, _channel in keys)
    assert all(t.language == user_pb2.LANGUAGE_UR for page in pages for t in page.templates)
    assert ("booking_reminder", SMS) in keys and ("password_reset", EMAIL) in keys
    # Every Urdu template that ships (more than the largest page, 100), each once.
    shipped = [(kind, convert.CHANNELS[channel]) for kind, channel, language, _subject, _body in templates.defaults()
               if language == "ur"]
    assert len(shipped) > 100 and sorted(keys) == sorted(shipped)
    with pytest.raises(grpc.RpcError) as junk:
        listed(page_token="not-a-token")
    assert junk.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in junk.value.details()


def test_the_shipped_templates_are_installed_with_a_few_statements_not_one_each(tmp_path):
    """At every start (and for every test's server): one read of the table and the missing rows
    inserted together, whatever the number of templates; a restart refreshes an edited default."""
    from sqlalchemy import event, func, select

    from mesh.db import Database
    from notify_svc import store
    from notify_svc.rendering import Renderer
    from notify_svc.server import MIGRATIONS
    from notify_svc.service.templates import Templates

    database = Database(f"sqlite:///{tmp_path / 'notify.db'}")
    database.migrate(MIGRATIONS)
    sent: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda _c, _cur, statement, *_rest: sent.append(statement))
    Templates(Renderer()).install_defaults(database)
    shipped = templates.defaults()
    assert len(sent) <= 5 < len(shipped)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(store.Template)) == len(shipped)
        kind, channel, language, subject, _body = shipped[0]
        session.get(store.Template, (kind, channel, language)).subject = "an older default"
    sent.clear()
    Templates(Renderer()).install_defaults(database)  # the next start
    assert len(sent) <= 5
    with database.session(read_only=True) as session:
        assert session.get(store.Template, (kind, channel, language)).subject == subject
    database.dispose()
