"""The delivery job of a real notify server sleeps while nothing is due (issue 11: an idle service's
every wake costs CPU) and still sends at once what is queued, and a reminder when it falls due."""

from __future__ import annotations

import datetime as dt
import time
import uuid

from notify_standins import eventually, prefer, publish, register, snapshot
from notify_svc.jobs import DeliveryJob
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import events_pb2 as booking_events
from padel.user.v1 import user_pb2

pytest_plugins = ["notify_standins"]


def counted_rounds(host) -> list[float]:
    """The delivery job's rounds from now on, one entry each."""
    job = next(worker for worker in host.workers if isinstance(worker, DeliveryJob))
    rounds, step = [], job.step
    job.step = lambda: rounds.append(time.monotonic()) or step()
    return rounds


def test_the_idle_delivery_job_sleeps_and_a_new_message_or_a_due_reminder_wakes_it(start_service, notify_env,
                                                                                     embedded_redis, smtp):
    # Rounds at least 0.05 s apart (PADEL_NOTIFY_POLL_SECONDS), at most an hour: what it sends
    # below within moments, a wake or a due time it knew of sent.
    host, _ = start_service("notify", **notify_env, PADEL_NOTIFY_LONGEST_WAIT_SECONDS="3600")
    rounds = counted_rounds(host)
    time.sleep(1)  # twenty polls' worth
    assert len(rounds) <= 1

    user_id = str(uuid.uuid4())
    publish(embedded_redis, "auth", auth_events.EmailVerificationRequested(
        user_id=user_id, email="zara@example.pk", first_name="Zara", token="tok_" + uuid.uuid4().hex))
    eventually(lambda: smtp.to("zara@example.pk"))

    register(embedded_redis, user_id, "zara@example.pk")
    prefer(embedded_redis, user_id, [user_pb2.CHANNEL_EMAIL])
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2, seconds=3)  # its reminder due in 3 s
    publish(embedded_redis, "booking", booking_events.BookingConfirmed(booking=snapshot(user_id, start)), wait=True)
    eventually(lambda: [m for m in smtp.to("zara@example.pk") if m["Subject"].startswith("Reminder")])
    settled = len(rounds)
    time.sleep(1)  # one more round at most: a wake that came during the round that sent the reminder
    assert len(rounds) <= settled + 1 <= 10  # a few per message, not one every 0.05 s (over 100 by now)
