"""A deleted account through the real server, on SQLite with the Redis stand-in and on PostgreSQL with
real Redis: auth's AccountDeleted erases what notify keeps about the person and stops every message and
reminder to them, also as an invited player, also when booking events about them come later."""

from __future__ import annotations

import datetime as dt
import uuid

import grpc
import pytest
from notify_standins import eventually, publish, snapshot, stamp
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_pb2, notify_service_pb2 as pb, notify_service_pb2_grpc
from padel.user.v1 import events_pb2 as user_events
from padel.user.v1 import user_pb2
from padel_testkit import real_server
from sqlalchemy import String, Text, select

from mesh.db import Database
from mesh.outbox import EventBase
from mesh.redis import make_redis
from notify_svc import store
from notify_svc.jobs import DeliveryJob

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env

CHANNELS = [user_pb2.CHANNEL_EMAIL, user_pb2.CHANNEL_SMS]
KINDS = [user_pb2.NOTIFICATION_KIND_BOOKING_CONFIRMATIONS, user_pb2.NOTIFICATION_KIND_REMINDERS,
         user_pb2.NOTIFICATION_KIND_MATCH_INVITES]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.redis])])
def backend(request, tmp_path) -> dict[str, str]:
    """notify's database and Redis: a SQLite file and the in-process stand-in, or PostgreSQL and real Redis."""
    if request.param == "sqlite":
        database, redis = f"sqlite:///{tmp_path / 'data' / 'notify.db'}", ""
    else:
        database, redis = request.getfixturevalue("postgres_url"), real_server("PADEL_TEST_REDIS_URL")
    client = make_redis(redis)
    client.flushdb()
    client.close()
    return {"PADEL_NOTIFY_DATABASE_URL": database, "PADEL_REDIS_URL": redis}


def person(redis, user_id: str, email: str, phone: str, first_name: str, last_name: str) -> None:
    publish(redis, "auth", auth_events.UserRegistered(user_id=user_id, email=email, phone=phone, first_name=first_name,
                                                      last_name=last_name), wait=True)
    publish(redis, "user", user_events.PreferencesChanged(user_id=user_id, preferences=user_pb2.Preferences(
        channels=CHANNELS, kinds=KINDS, time_zone="Asia/Karachi")), wait=True)


def stored_texts(database_url: str) -> str:
    """Every text column of every row notify keeps, as one string to search."""
    database = Database(database_url)
    try:
        with database.session() as session:
            texts = []
            for table in [*store.Base.metadata.sorted_tables, *EventBase.metadata.sorted_tables]:
                columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
                for row in session.execute(select(*columns)) if columns else ():  # e.g. template_version
                    texts.extend(str(value) for value in row)
            return "\n".join(texts)
    finally:
        database.dispose()


def test_a_deleted_account_leaves_nothing_and_is_sent_nothing(start_service, notify_env, backend, smtp, provider,
                                                               token_issuer):
    env = {**notify_env, **backend}
    redis = make_redis(backend["PADEL_REDIS_URL"])
    admin = token_issuer.metadata(str(uuid.uuid4()), ("admin",))
    # The first server's delivery worker is stopped before anything is queued (its first pass may come
    # at any moment after the start, also after the bookings below): whatever is queued waits for the
    # second server, so what the erasure stopped is seen not to go out.
    host, channel = start_service("notify", **env)
    next(worker for worker in host.workers if isinstance(worker, DeliveryJob)).stop()
    stub = notify_service_pb2_grpc.NotifyServiceStub(channel)
    booker, gone, newcomer = (str(uuid.uuid4()) for _ in range(3))
    person(redis, booker, "captain@example.pk", "+923001110001", "Kamran", "Baig")
    person(redis, gone, "dania.rehman@example.pk", "+923009990009", "Dania", "Rehman")
    person(redis, newcomer, "newcomer@example.pk", "+923001110002", "Omar", "Shah")
    now = dt.datetime.now(dt.timezone.utc)

    # Dania's own booking, and a game of Kamran's she is invited to whose reminders are due already.
    hers = snapshot(gone, now + dt.timedelta(days=2), venue="Smash Club")
    publish(redis, "booking", booking_events.BookingConfirmed(booking=hers), wait=True)
    game = snapshot(booker, now + dt.timedelta(minutes=119), participants=[gone])
    publish(redis, "booking", booking_events.BookingConfirmed(booking=game), wait=True)
    before = stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(user_id=gone), metadata=admin).deliveries
    assert sorted((d.kind, d.status) for d in before) == sorted(
        [(kind, notify_pb2.DELIVERY_STATUS_QUEUED) for kind in ("booking_confirmed", "booking_invitation") * 2] +
        [(kind, notify_pb2.DELIVERY_STATUS_DELIVERED) for kind in ("booking_confirmed", "booking_invitation")])

    deleted = auth_events.AccountDeleted(user_id=gone, deleted_at=stamp(dt.datetime.now(dt.timezone.utc)))
    first = publish(redis, "auth", deleted, wait=True)
    # What booking_svc does next (her future booking cancelled by policy), and a change of the game's
    # players that still lists her, come after; so do a redelivery and a second copy of the event.
    publish(redis, "booking", booking_events.BookingCancelled(booking=hers, cancellation=booking_pb2.Cancellation(
        reason="account deleted")), wait=True)
    publish(redis, "booking", booking_events.BookingParticipantsChanged(
        booking=snapshot(booker, now + dt.timedelta(minutes=119), booking_id=game.booking_id,
                         participants=[gone, newcomer]), added_ids=[newcomer]), wait=True)
    publish(redis, "auth", deleted, event_id=first, wait=True)
    publish(redis, "auth", deleted, wait=True)

    inbox = stub.ListInbox(pb.ListInboxRequest(), metadata=token_issuer.metadata(gone))
    assert list(inbox.messages) == [] and inbox.unread_count == 0
    after = stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(user_id=gone), metadata=admin).deliveries
    assert sorted(d.delivery_id for d in after) == sorted(d.delivery_id for d in before)  # nothing new queued
    assert all(d.status != notify_pb2.DELIVERY_STATUS_QUEUED for d in after)
    assert {d.recipient for d in after} == {"***"} and all("dania" not in d.last_error.lower() for d in after)
    with pytest.raises(grpc.RpcError) as unknown:
        stub.SendNotification(pb.SendNotificationRequest(
            user_id=gone, channels=[notify_pb2.NOTIFICATION_CHANNEL_IN_APP], body="Still there?"), metadata=admin)
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    host.stop(0)

    # A worker that sends what is due: Kamran's reminder and Omar's invitation go, nothing of Dania's.
    _host, channel = start_service("notify", **env)
    eventually(lambda: [m for m in smtp.to("captain@example.pk") if m["Subject"].startswith("Reminder")])
    eventually(lambda: smtp.to("newcomer@example.pk") and provider.to("+923001110002"))
    assert smtp.to("dania.rehman@example.pk") == [] and provider.to("+923009990009") == []
    inbox = notify_service_pb2_grpc.NotifyServiceStub(channel).ListInbox(
        pb.ListInboxRequest(), metadata=token_issuer.metadata(gone))
    assert list(inbox.messages) == []  # her reminder, due with Kamran's, was not released either
    texts = stored_texts(backend["PADEL_NOTIFY_DATABASE_URL"])
    assert "Kamran" in texts  # the search works: the others' messages are still there
    for trace in ("dania.rehman@example.pk", "dania.rehman", "+923009990009", "3009990009", "Dania", "Rehman"):
        assert trace not in texts
