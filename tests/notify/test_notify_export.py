"""ExportNotifyData: what notify keeps about the caller (addresses, choices, devices, calendar,
reminders, inbox and delivery log), and nothing about anyone else."""

import datetime as dt
import uuid

from notify_standins import prefer, publish, register, snapshot
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_pb2, notify_service_pb2 as pb
from padel.user.v1 import user_pb2

pytest_plugins = ["notify_standins"]


def test_the_export_holds_the_callers_contact_devices_calendar_and_messages_only(notify, smtp, token_issuer):
    sara, other = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, sara, "sara@example.pk", phone="+923001234567")
    register(notify.redis, other, "other@example.pk")
    prefer(notify.redis, sara, [user_pb2.CHANNEL_EMAIL])
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    for player, venue in ((sara, "Padel Arena DHA"), (other, "Someone Else's Club")):
        publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=snapshot(player, start, venue=venue)))
    notify.settled(sara, 2)
    notify.settled(other, 2)
    me = token_issuer.metadata(sara)
    device = notify.stub.RegisterDevice(pb.RegisterDeviceRequest(token="fcm-token-of-saras-phone-0001"),
                                        metadata=me).device
    notify.stub.RotateCalendarFeed(pb.RotateCalendarFeedRequest(), metadata=me)

    export = notify.stub.ExportNotifyData(pb.ExportNotifyDataRequest(), metadata=me)
    assert (export.recipient.email, export.recipient.phone) == ("sara@example.pk", "+923001234567")
    assert list(export.recipient.channels) == ["email"]
    assert list(export.recipient.kinds) == ["booking_confirmations", "reminders"]
    assert [d.device_id for d in export.devices] == [device.device_id]
    assert "fcm-token" not in str(export)  # the push token is a secret of the phone's, never exported
    assert export.HasField("calendar_feed_created_at")
    assert [(g.venue_name, g.cancelled) for g in export.calendar] == [("Padel Arena DHA", False)]
    assert [(r.venue_name, r.status) for r in export.reminders] == [("Padel Arena DHA", "pending")]
    assert [m.kind for m in export.messages] == ["booking_confirmed"]
    assert sorted(d.channel for d in export.deliveries) == [notify_pb2.NOTIFICATION_CHANNEL_EMAIL,
                                                            notify_pb2.NOTIFICATION_CHANNEL_IN_APP]
    assert {d.user_id for d in export.deliveries} == {sara}
    assert "Someone Else" not in str(export) and "other@example.pk" not in str(export)
