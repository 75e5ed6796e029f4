"""The person's own data, whole, for the platform's data export: where and how notify reaches them,
their devices and calendar, and every message notify made for them (inbox and delivery log)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, rows_of
from notify_svc import store


@dataclasses.dataclass(frozen=True)
class NotifyExport:
    recipient: store.Recipient | None
    devices: list[store.Device]
    feed: store.CalendarFeed | None
    calendar: list[store.CalendarEntry]
    reminders: list[store.Reminder]
    messages: list[store.InboxMessage]
    deliveries: list[store.Delivery]
    exported_at: dt.datetime


def export_data(uow: UnitOfWork, caller: Caller, clock: Callable[[], dt.datetime] = utcnow) -> NotifyExport:
    """Everything about the caller, read in one transaction."""
    me = caller.user_id
    with uow.session(read_only=True) as session:
        feeds = rows_of(session, store.CalendarFeed.user_id, me)
        return NotifyExport(
            recipient=store.recipient(session, me),
            devices=rows_of(session, store.Device.user_id, me, store.Device.created_at, store.Device.id),
            feed=feeds[0] if feeds else None,
            calendar=rows_of(session, store.CalendarEntry.user_id, me, store.CalendarEntry.start_time,
                             store.CalendarEntry.booking_id),
            reminders=rows_of(session, store.Reminder.user_id, me, store.Reminder.start_time, store.Reminder.booking_id),
            messages=rows_of(session, store.InboxMessage.user_id, me, store.InboxMessage.created_at,
                             store.InboxMessage.id),
            deliveries=store.deliveries_of(session, me),
            exported_at=clock())
