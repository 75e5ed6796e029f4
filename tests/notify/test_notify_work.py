"""The work a booking's events cost notify, counted (never timed): every booking made through the
edge at a venue confirming at once sends BookingCreated (its owner hears of it) and BookingConfirmed
(the player hears, gets a calendar entry and a reminder). Counted here: SQL statements per event
and trips to a renderer process per message."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from notify_standins import snapshot
from padel_testkit import statements

from mesh.db import Database, Joined
from notify_svc import convert, store
from notify_svc.rendering import Renderer
from notify_svc.server import MIGRATIONS
from notify_svc.service import Bookings, Deliveries, Templates
from notify_svc.templates import IN_APP


@dataclasses.dataclass
class Counted:
    bookings: Bookings
    database: Database
    trips: list[tuple]  # each task handed to a renderer process, by its arguments


@pytest.fixture
def counted(tmp_path, monkeypatch) -> Counted:
    """notify's booking use cases on a database of their own, their renderer's tasks listed."""
    database = Database(f"sqlite:///{tmp_path / 'notify.db'}")
    database.migrate(MIGRATIONS)
    renderer = Renderer()
    renderer.start()
    Templates(renderer).install_defaults(database)
    trips: list[tuple] = []
    run = renderer._run

    def counting(task, *args):
        trips.append(args)
        return run(task, *args)

    monkeypatch.setattr(renderer, "_run", counting)
    yield Counted(Bookings(Deliveries(renderer, {})), database, trips)
    renderer.stop()
    database.dispose()


def handled(counted: Counted, use_case, booking) -> list[str]:
    """The statements of one event's use case, in a transaction as the consumer's."""
    def run():
        with counted.database.session() as session:
            use_case(Joined(session), booking)

    return statements(counted.database, run)


def test_a_booking_confirmed_at_once_costs_notify_few_statements_and_one_render_per_message(counted):
    player, owner = str(uuid.uuid4()), str(uuid.uuid4())  # never introduced by auth: in-app only
    booking = convert.booking(snapshot(player, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2),
                                       venue_owner_id=owner))

    # The owner's recipient row (read once, locked), the template, then the new recipient, the
    # message and its inbox entry; no look at devices, as nobody is to be pushed to.
    assert len(handled(counted, counted.bookings.created, booking)) == 5
    # The player's recipient row (read once for the message, the calendar entry and the reminder), the
    # calendar entry, the template, the booking's reminders; the new recipient, entry, message, inbox
    # entry and reminder.
    assert len(handled(counted, counted.bookings.confirmed, booking)) == 9

    assert len(counted.trips) == 2  # one renderer task per message: its subject and body together
    with counted.database.session() as session:
        told = {(d.user_id, d.kind): d for d in store.deliveries(session, page_size=10).items}
        assert set(told) == {(owner, "venue_booking_new"), (player, "booking_confirmed")}
        mine = told[player, "booking_confirmed"]
        assert mine.channel == IN_APP and "Padel Arena DHA" in mine.subject + mine.body
        assert store.reminder(session, booking.booking_id, player).status == store.REMINDER_PENDING
        assert store.calendar_entry(session, booking.booking_id, player).sequence == 0


def test_an_event_naming_a_deleted_account_still_reads_it_once(counted):
    """A deleted account gets no message, no calendar entry and no reminder: one look at its row."""
    player = str(uuid.uuid4())
    with counted.database.session() as session:
        store.erase_recipient(session, player, dt.datetime.now(dt.timezone.utc)).deleted_at = \
            dt.datetime.now(dt.timezone.utc)
    booking = convert.booking(snapshot(player, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)))
    sent = handled(counted, counted.bookings.confirmed, booking)
    assert sum("FROM recipients" in statement for statement in sent) == 1
    assert counted.trips == []
    with counted.database.session() as session:
        assert store.deliveries_of(session, player) == [] and store.reminder(session, booking.booking_id, player) is None
