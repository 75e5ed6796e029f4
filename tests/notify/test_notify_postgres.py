"""notify on real PostgreSQL: the whole flow, and two delivery workers sharing one queue."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from notify_standins import eventually, publish
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_pb2, notify_service_pb2 as pb, notify_service_pb2_grpc
from padel.user.v1 import events_pb2 as user_events
from padel.user.v1 import user_pb2

from mesh.db import Database
from mesh.redis import make_redis
from notify_svc import channels, store
from notify_svc.domain import Booking
from notify_svc.jobs import DeliveryJob
from notify_svc.rendering import Renderer
from notify_svc.server import MIGRATIONS, settings_from_env
from notify_svc.service import Bookings, Deliveries, Templates

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis

pytestmark = pytest.mark.postgres


def test_booking_flow_on_postgres_survives_a_restart(start_service, notify_env, postgres_url, redis_url, smtp,
                                                      provider, token_issuer):
    env = {**notify_env, "PADEL_NOTIFY_DATABASE_URL": postgres_url, "PADEL_REDIS_URL": redis_url}
    redis = make_redis(redis_url)
    host, channel = start_service("notify", **env)
    user_id = str(uuid.uuid4())
    publish(redis, "auth", auth_events.UserRegistered(user_id=user_id, email="pg@example.pk", first_name="Zara",
                                                      phone="+923007778889"), wait=True)
    publish(redis, "user", user_events.PreferencesChanged(user_id=user_id, preferences=user_pb2.Preferences(
        channels=[user_pb2.CHANNEL_EMAIL, user_pb2.CHANNEL_SMS],
        kinds=[user_pb2.NOTIFICATION_KIND_BOOKING_CONFIRMATIONS])), wait=True)
    provider.statuses = [503]
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    snapshot = booking_events.BookingSnapshot(booking_id=str(uuid.uuid4()), player_id=user_id, venue_name="Grid Padel",
                                              court_name="Court 2", time_zone="Asia/Karachi",
                                              status=booking_pb2.BOOKING_STATUS_CONFIRMED)
    snapshot.start_time.FromDatetime(start)
    snapshot.end_time.FromDatetime(start + dt.timedelta(hours=1))
    publish(redis, "booking", booking_events.BookingConfirmed(booking=snapshot))
    eventually(lambda: smtp.to("pg@example.pk"))
    host.stop(0)
    publish(redis, "booking", booking_events.BookingCancelled(booking=snapshot))  # while notify is down
    _host, channel = start_service("notify", **env)

    stub = notify_service_pb2_grpc.NotifyServiceStub(channel)
    admin = token_issuer.metadata(str(uuid.uuid4()), ("admin",))

    def settled():
        rows = stub.ListDeliveryLogs(pb.ListDeliveryLogsRequest(user_id=user_id), metadata=admin).deliveries
        return rows if len(rows) == 6 and all(r.status != notify_pb2.DELIVERY_STATUS_QUEUED for r in rows) else None

    rows = eventually(settled)
    assert sorted((r.kind, r.channel) for r in rows) == sorted(
        (kind, channel) for kind in ("booking_confirmed", "booking_cancelled")
        for channel in (notify_pb2.NOTIFICATION_CHANNEL_EMAIL, notify_pb2.NOTIFICATION_CHANNEL_SMS,
                        notify_pb2.NOTIFICATION_CHANNEL_IN_APP))
    assert len(smtp.to("pg@example.pk")) == 2
    assert [r["status"] for r in provider.to("+923007778889")] == [503, 201, 201]


def test_two_workers_share_the_queue_and_send_each_message_once(postgres_url, provider, tmp_path):
    settings = settings_from_env({"PADEL_DATA_DIR": str(tmp_path), "PADEL_NOTIFY_SMS_BASE_URL": provider.url,
                                  "PADEL_NOTIFY_SMS_ACCOUNT_SID": "AC9", "PADEL_NOTIFY_SMS_AUTH_TOKEN": "t"})
    database = Database(postgres_url)
    database.migrate(MIGRATIONS)
    now = dt.datetime.now(dt.timezone.utc)
    with database.session() as session:
        for n in range(40):
            store.add_delivery(session, store.Delivery(
                id=str(uuid.uuid4()), user_id=str(uuid.uuid4()), kind="message", channel="sms", recipient="+92300",
                subject="", body=f"message {n}", html=False, urgent=False, status=store.QUEUED, attempts=0,
                next_attempt_at=now, last_error="", provider_message_id="", created_at=now, sent_at=None))
    workers = []
    for _ in range(2):
        deliveries = Deliveries(Renderer(), channels.build(settings))
        workers.append(DeliveryJob(database, deliveries, Bookings(deliveries), batch_size=3))

    def drain(worker):
        while worker.step():
            pass

    threads = [threading.Thread(target=drain, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    bodies = sorted(provider.form(i)["Body"] for i in range(len(provider.requests)))
    assert bodies == sorted(f"message {n}" for n in range(40))
    with database.session() as session:
        assert store.queue_depth(session) == 0
        assert {d.attempts for d in store.deliveries(session, page_size=100).items} == {1}
    database.dispose()


def test_two_replicas_release_each_players_reminder_once(postgres_url):
    database = Database(postgres_url)
    database.migrate(MIGRATIONS)
    now = dt.datetime.now(dt.timezone.utc)
    players = [str(uuid.uuid4()) for _ in range(8)]
    renderers = [Renderer() for _ in range(3)]
    Templates(renderers[0]).install_defaults(database)  # as the server does at start
    setup = Bookings(Deliveries(renderers[0], {}))
    for n in range(5):  # five bookings, each with the player who booked and seven invited players
        setup.confirmed(database, Booking(
            booking_id=str(uuid.uuid4()), player_id=players[0], venue_name="Padel Arena DHA",
            court_name=f"Court {n}", start_time=now + dt.timedelta(hours=1),
            end_time=now + dt.timedelta(minutes=150), time_zone="Asia/Karachi", price_paisa=450000,
            currency="PKR", confirmed=True, participant_ids=tuple(players[1:])))
    start = threading.Barrier(2)
    # Each replica its own use cases and renderer, one shared database.
    replicas = [Bookings(Deliveries(renderer, {})) for renderer in renderers[1:]]

    def release(replica):
        start.wait()
        while replica.release_due_reminders(database, limit=2):
            pass

    threads = [threading.Thread(target=release, args=(replica,)) for replica in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    with database.session() as session:
        for user_id in players:
            reminders = [d.subject for d in store.deliveries(session, user_id=user_id, page_size=100).items
                         if d.kind == "booking_reminder"]
            assert sorted(reminders) == sorted(["Reminder: padel at " + (now + dt.timedelta(hours=1)).astimezone(
                dt.timezone(dt.timedelta(hours=5))).strftime("%H:%M") + " at Padel Arena DHA"] * 5)
    assert replicas[0].release_due_reminders(database) == 0
    for renderer in renderers:
        renderer.stop()
    database.dispose()
