"""The work a booking's events cost notify, counted (never timed): every booking made through the
edge at a venue confirming at once sends BookingCreated (its owner hears of it) and BookingConfirmed
(the player hears, gets a calendar entry and a reminder). Counted here: SQL statements per event
and trips to a renderer process per message (none for the shipped templates)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from notify_standins import snapshot
from padel_testkit import statements
from sqlalchemy import event
from sqlalchemy.orm import Session

from mesh.db import Database, Joined
from notify_svc import calendar, convert, store
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


def known(counted: Counted, *user_ids: str) -> None:
    """Users auth told notify about: an email address, so each message goes by email and in-app."""
    now = dt.datetime.now(dt.timezone.utc)
    with counted.database.session() as session:
        for number, user_id in enumerate(user_ids):
            recipient = store.recipient_or_new(session, user_id, now, to_change=True)
            recipient.email, recipient.first_name, recipient.known_since = f"player{number}@example.com", "Ayesha", now


def booked(player: str, owner: str):
    return convert.booking(snapshot(player, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2),
                                    venue_owner_id=owner))


def test_a_booking_confirmed_at_once_costs_notify_few_statements_and_renders_in_process(counted):
    player, owner = str(uuid.uuid4()), str(uuid.uuid4())  # never introduced by auth: in-app only
    booking = booked(player, owner)

    # The owner's recipient row (read once, locked), the templates' version, the template (read once
    # for as long as the version holds), then the new recipient, the message and its inbox entry; no
    # look at devices, as nobody is to be pushed to.
    assert len(handled(counted, counted.bookings.created, booking)) == 6
    # The player's recipient row (read once for the message, the calendar entry and the reminder), the
    # calendar entry, the templates' version and the template, the booking's reminders; the new
    # recipient, entry, message, inbox entry and reminder.
    assert len(handled(counted, counted.bookings.confirmed, booking)) == 10

    assert counted.trips == []  # the shipped templates render in notify's own thread
    with counted.database.session() as session:
        told = {(d.user_id, d.kind): d for d in store.deliveries(session, page_size=10).items}
        assert set(told) == {(owner, "venue_booking_new"), (player, "booking_confirmed")}
        mine = told[player, "booking_confirmed"]
        assert mine.channel == IN_APP and "Padel Arena DHA" in mine.subject + mine.body
        assert store.reminder(session, booking.booking_id, player).status == store.REMINDER_PENDING
        assert store.calendar_entry(session, booking.booking_id, player).sequence == 0


def test_a_calendar_entry_is_written_as_ics_only_for_an_email(counted, monkeypatch):
    """Every confirmation keeps the player's calendar entry (their feed), but its .ics text is made
    only for a message that goes by email: a player told in-app only costs none."""
    made = []
    write = calendar.booking_entry
    monkeypatch.setattr(calendar, "booking_entry", lambda *args: made.append(args) or write(*args))
    owner, in_app_only, by_email = (str(uuid.uuid4()) for _ in range(3))
    known(counted, by_email)
    bookings = {player: booked(player, owner) for player in (in_app_only, by_email)}
    for booking in bookings.values():
        handled(counted, counted.bookings.confirmed, booking)

    assert len(made) == 1
    with counted.database.session() as session:
        for player, booking in bookings.items():
            assert store.calendar_entry(session, booking.booking_id, player).sequence == 0
        mine = {d.channel: d for d in store.deliveries_of(session, in_app_only)}
        assert set(mine) == {IN_APP} and mine[IN_APP].calendar == ""
        mine = {d.channel: d for d in store.deliveries_of(session, by_email)}
        assert "BEGIN:VCALENDAR" in mine["email"].calendar and mine[IN_APP].calendar == ""


def test_the_next_bookings_read_no_template_only_the_templates_version(counted):
    """Every booking's messages use the same few templates: once read, a transaction reads only
    their version (one row), and a consumer's transaction handling both events reads it once."""
    owner, players = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(3)]
    known(counted, owner, *players)
    first, second, third = (booked(player, owner) for player in players)
    handled(counted, counted.bookings.created, first)
    handled(counted, counted.bookings.confirmed, first)

    created = handled(counted, counted.bookings.created, second)
    confirmed = handled(counted, counted.bookings.confirmed, second)
    for sent in (created, confirmed):
        assert sum("FROM templates" in statement for statement in sent) == 0
        assert sum("FROM template_version" in statement for statement in sent) == 1
    # The owner's row, the version; the message by email and in-app, its inbox entry.
    assert len(created) == 5
    # The player's row, the calendar entry, the version, the booking's reminders; the entry, the
    # message by email and in-app, the inbox entry and the reminder.
    assert len(confirmed) == 9

    def both():
        with counted.database.session() as session:
            counted.bookings.created(Joined(session), third)
            counted.bookings.confirmed(Joined(session), third)

    assert sum("FROM template_version" in statement for statement in statements(counted.database, both)) == 1
    assert counted.trips == []
    with counted.database.session() as session:
        mine = [d for d in store.deliveries_of(session, players[2]) if d.kind == "booking_confirmed"]
        assert sorted(d.channel for d in mine) == ["email", IN_APP]
        assert all("Padel Arena DHA" in d.subject and "Court 1" in d.body for d in mine)


def test_a_booking_and_its_confirmation_read_first_and_write_in_one_flush(counted):
    """A consumer's transaction handling a booking's BookingCreated and BookingConfirmed (owner and
    player known, templates kept, as for every booking after the first) reads everything it needs
    before it adds anything to the confirmation: the created event's message goes with the first read
    of the confirmation, every other row at the commit (it was three flushes: the booking's reminders
    were read after the calendar entry and the message had been added)."""
    owner, player = str(uuid.uuid4()), str(uuid.uuid4())
    earlier, booking = booked(player, owner), booked(player, owner)
    handled(counted, counted.bookings.created, earlier)  # the owner's row, the templates kept
    handled(counted, counted.bookings.confirmed, earlier)  # the player's row
    flushes: list[int] = []

    def flushed(session, _context) -> None:
        flushes.append(1)

    event.listen(Session, "after_flush", flushed)
    try:
        with counted.database.session() as session:
            counted.bookings.created(Joined(session), booking)
            counted.bookings.confirmed(Joined(session), booking)
    finally:
        event.remove(Session, "after_flush", flushed)
    assert len(flushes) == 2
    with counted.database.session() as session:
        assert {d.kind for d in store.deliveries_of(session, player)} == {"booking_confirmed"}
        assert store.reminder(session, booking.booking_id, player).status == store.REMINDER_PENDING
        assert store.calendar_entry(session, booking.booking_id, player).sequence == 0


def test_an_admins_template_is_used_from_the_next_message_on_and_rendered_in_a_renderer_process(counted):
    """Kept templates are never stale: an edit by any replica (here straight in the database, as
    another replica's save would be) raises the version, and the next message reads the new text.
    An admin's text is code an admin wrote: it renders in a renderer process, one trip per message."""
    owner, players = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(2)]
    known(counted, owner, *players)
    first, second = (booked(player, owner) for player in players)
    handled(counted, counted.bookings.confirmed, first)
    assert counted.trips == []

    with counted.database.session() as session:
        store.save_template(session, "booking_confirmed", IN_APP, "en", "Game on, {{ first_name }}",
                            "{{ court_name }} is yours.", dt.datetime.now(dt.timezone.utc))
    handled(counted, counted.bookings.confirmed, second)

    assert len(counted.trips) == 1  # the admin's in-app text; the shipped email text stays in process
    with counted.database.session() as session:
        mine = {d.channel: d for d in store.deliveries_of(session, players[1]) if d.kind == "booking_confirmed"}
        assert (mine[IN_APP].subject, mine[IN_APP].body) == ("Game on, Ayesha", "Court 1 is yours.")
        assert "Padel Arena DHA" in mine["email"].subject
        earlier = {d.channel: d for d in store.deliveries_of(session, players[0]) if d.kind == "booking_confirmed"}
        assert "Padel Arena DHA" in earlier[IN_APP].subject


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
