"""Availability keeps each venue's setup in the process (`VenueSetups`) and stays exact: two replicas
on one database (each with its own setups, as two booking_svc processes), on SQLite and PostgreSQL.
A change made through one replica — prices, courts, opening hours, a booking, a cancellation, a
closure — shows in the very next availability call of the other; nothing waits for a time to pass."""

import datetime as dt
import json
import threading
import uuid

import pytest
from padel.booking.v1 import booking_service_pb2 as api
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from booking_svc import convert, store
from booking_testkit import EVERY_DAY, Clock, Desk, local_day, local_dt, someone
from padel_testkit import executed, statements


@pytest.fixture
def replicas(database):
    """Two replicas' use cases on one database and one clock."""
    clock = Clock()
    return Desk(database, clock), Desk(database, clock)


def slots(desk: Desk, venue_id: str, day: dt.date) -> dict[str, dict[str, int]]:
    """Per court name, the free local starts of 60-minute games with their prices (paisa)."""
    zone = local_dt(day, "00:00").tzinfo
    _venue, courts = desk.availability.free_slots(desk.db, venue_id, day, 60)
    return {court.name: {s.start.astimezone(zone).strftime("%H:%M"): s.price_paisa for s in free}
            for court, free in courts}


def test_a_setup_change_on_one_replica_shows_in_the_others_next_call(replicas):
    one, other = replicas
    venue = one.venue(name="Setups", base_hourly_price_paisa=600_000)
    owner = someone("venue_owner", user_id=venue.venue.owner_id)
    venue_id, day = venue.venue.id, local_day(2)
    assert slots(other, venue_id, day)["Court 1"]["18:00"] == 600_000  # now kept by the other replica

    one.venues.set_price_rules(one.db, owner, venue_id, 600_000, [
        {"court_id": None, "weekdays": [], "start": "18:00", "end": "23:00", "hourly_price_paisa": 800_000}])
    assert slots(other, venue_id, day)["Court 1"]["18:00"] == 800_000

    court = one.venues.add_court(one.db, owner, venue_id, {"name": "Court 2"})
    assert set(slots(other, venue_id, day)) == {"Court 1", "Court 2"}
    one.venues.update_court(one.db, owner, venue_id, court.id, {"active": False})
    assert set(slots(other, venue_id, day)) == {"Court 1"}

    later = [{**opening, "open": "10:00"} for opening in EVERY_DAY]
    one.venues.update(one.db, owner, venue_id, {"opening_hours": later})
    assert min(slots(other, venue_id, day)["Court 1"]) == "10:00"

    # A booking on the other replica is priced by the setup now in force, not the one it kept.
    one.venues.set_price_rules(one.db, owner, venue_id, 500_000, [])
    made = other.book(someone("player"), venue.courts[0].id, local_dt(day, "19:00").astimezone(dt.timezone.utc))
    assert made.price_paisa == 500_000



def test_a_venue_switched_to_online_payment_takes_online_bookings_at_once_on_every_replica(replicas):
    one, other = replicas
    venue = one.venue(name="Paying Padel")
    court, day = venue.courts[0].id, local_day(2)
    assert other.book(someone("player"), court, local_dt(day, "10:00")).paid_at_venue  # the setup kept there
    one.bookings.venue_paid(one.db, venue.venue.id, at_venue=False)  # payment_svc's VenuePaymentChanged
    assert not other.book(someone("player"), court, local_dt(day, "12:00")).paid_at_venue

def test_bookings_cancellations_and_closures_show_in_the_very_next_call_of_every_replica(replicas):
    one, other = replicas
    venue = one.venue(name="Busy")
    owner = someone("venue_owner", user_id=venue.venue.owner_id)
    venue_id, court_id, day = venue.venue.id, venue.courts[0].id, local_day(3)
    start = local_dt(day, "12:00").astimezone(dt.timezone.utc)
    assert "12:00" in slots(one, venue_id, day)["Court 1"] and "12:00" in slots(other, venue_id, day)["Court 1"]

    player = someone("player")
    made = one.book(player, court_id, start)
    assert "12:00" not in slots(other, venue_id, day)["Court 1"]
    other.bookings.cancel(other.db, player, made.id, "")
    assert "12:00" in slots(one, venue_id, day)["Court 1"]

    one.venues.add_closure(one.db, owner, venue_id, court_id, start, start + dt.timedelta(hours=2), "repairs")
    assert not {"11:30", "12:00", "13:30"} & set(slots(other, venue_id, day)["Court 1"])


def test_calls_at_once_each_show_every_booking_made_before_they_began(replicas):
    """Availability asked from four threads at once (on PostgreSQL their version checks are shared:
    mesh.db's `_SharedReads`) while the other replica books one game after another: no call begun
    after a booking returned offers its slot."""
    one, other = replicas
    venue = one.venue(name="Crowded")
    venue_id, court_id, day = venue.venue.id, venue.courts[0].id, local_day(3)
    booked: list[str] = []
    offered_after_booked: list[str] = []
    failed: list[BaseException] = []
    done = threading.Event()

    def ask() -> None:
        try:
            while not done.is_set():
                before = list(booked)
                offered = slots(other, venue_id, day)["Court 1"]
                offered_after_booked.extend(start for start in before if start in offered)
        except BaseException as error:
            failed.append(error)

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for asker in askers:
        asker.start()
    try:
        for start in ("09:00", "11:00", "13:00", "15:00", "17:00", "19:00"):
            one.book(someone("player"), court_id, local_dt(day, start).astimezone(dt.timezone.utc))
            booked.append(start)
    finally:
        done.set()
        for asker in askers:
            asker.join(30)
    assert failed == [] and offered_after_booked == []
    assert not set(booked) & set(slots(other, venue_id, day)["Court 1"])


def test_a_kept_setup_spares_the_courts_and_prices_queries_until_it_changes(replicas):
    one, other = replicas
    venue = one.venue(name="Kept")
    owner = someone("venue_owner", user_id=venue.venue.owner_id)
    venue_id, day = venue.venue.id, local_day(2)
    asked: list[str] = []
    event.listen(other.db.engine, "before_cursor_execute",
                 lambda _conn, _cursor, statement, *_rest: asked.append(statement))

    def setup_reads() -> int:
        """How many statements the other replica's next availability call spends on courts and prices."""
        asked.clear()
        slots(other, venue_id, day)
        return sum(1 for s in asked if "FROM courts" in s or "FROM price_rules" in s)

    assert setup_reads() == 2  # first call: loads the setup
    assert setup_reads() == 0  # kept: only the version and what is busy are read
    one.venues.set_price_rules(one.db, owner, venue_id, 700_000, [])
    assert setup_reads() == 2  # changed elsewhere: loaded again
    assert setup_reads() == 0


def test_a_held_slot_frees_itself_in_the_next_call_once_its_hold_runs_out(replicas):
    """No write happens when a hold runs out: a kept answer must not outlive it."""
    one, other = replicas
    venue = one.venue(name="Held", instant_confirmation=False, hold_minutes=15)
    venue_id, day = venue.venue.id, local_day(2)
    start = local_dt(day, "12:00").astimezone(dt.timezone.utc)
    one.book(someone("player"), venue.courts[0].id, start)
    assert "12:00" not in slots(other, venue_id, day)["Court 1"]
    one.availability.clock.now += dt.timedelta(minutes=14)
    assert "12:00" not in slots(other, venue_id, day)["Court 1"]
    one.availability.clock.now += dt.timedelta(minutes=2)
    assert "12:00" in slots(other, venue_id, day)["Court 1"]


def test_a_start_that_passes_leaves_the_next_answer(replicas):
    one, other = replicas
    venue = one.venue(name="Passing")
    venue_id, day = venue.venue.id, local_day(0)
    clock = one.availability.clock
    clock.now = local_dt(day, "10:15").astimezone(dt.timezone.utc)
    assert min(slots(other, venue_id, day)["Court 1"]) == "10:30"
    clock.now = local_dt(day, "10:31").astimezone(dt.timezone.utc)
    assert min(slots(other, venue_id, day)["Court 1"]) == "11:00"


def test_a_booking_written_outside_the_use_cases_still_shows_in_the_next_call(replicas):
    """The versions are raised by the database, whatever code writes the booking (here a Core update,
    as a closed account's erasure makes)."""
    one, other = replicas
    venue = one.venue(name="Core")
    venue_id, day = venue.venue.id, local_day(2)
    made = one.book(someone("player"), venue.courts[0].id, local_dt(day, "12:00").astimezone(dt.timezone.utc))
    assert "12:00" not in slots(other, venue_id, day)["Court 1"]
    with one.db.session() as session:
        session.execute(update(store.Booking).where(store.Booking.id == made.id).values(status="cancelled"))
    assert "12:00" in slots(other, venue_id, day)["Court 1"]


def test_an_unchanged_day_is_answered_with_one_statement_and_a_booking_costs_one_query_more(replicas):
    one, other = replicas
    venue = one.venue(name="Counted")
    venue_id, day = venue.venue.id, local_day(2)
    slots(other, venue_id, day)
    assert len(statements(other.db, lambda: slots(other, venue_id, day))) == 1  # the versions
    # ... sent to the driver itself: none of SQLAlchemy's execution, which cost several times the statement
    assert executed(other.db, lambda: slots(other, venue_id, day)) == []
    other.availability.answer(other.db, venue_id, day, 90)
    one.book(someone("player"), venue.courts[0].id, local_dt(day, "12:00").astimezone(dt.timezone.utc))
    assert len(statements(other.db, lambda: slots(other, venue_id, day))) == 2  # the versions, what is busy
    assert len(statements(other.db, lambda: slots(other, venue_id, day))) == 1
    # Another duration of the same day was kept apart, and the booking reached it too.
    assert len(statements(other.db, lambda: other.availability.answer(other.db, venue_id, day, 90))) == 2


def test_the_rendered_answer_is_built_once_per_kept_answer(replicas):
    one, other = replicas
    venue = one.venue(name="Rendered")
    venue_id, day = venue.venue.id, local_day(2)
    built = []

    def render(venue_row, local_day_, courts):
        built.append(local_day_)
        return object()

    first = other.availability.rendered(other.db, venue_id, day, 60, "", render)
    assert other.availability.rendered(other.db, venue_id, day, 60, "", render) is first
    one.book(someone("player"), venue.courts[0].id, local_dt(day, "12:00").astimezone(dt.timezone.utc))
    assert other.availability.rendered(other.db, venue_id, day, 60, "", render) is not first
    assert len(built) == 2


def test_the_json_the_edge_passes_through_is_printed_once_per_kept_answer_and_per_call_when_marked(replicas):
    """GetAvailabilityPage's JSON is kept with the answer it prints (same versions, dropped with it),
    so a repeated call prints nothing; where members-only marks apply it is printed for each call,
    with that caller's marks, and never kept for the next caller."""
    one, other = replicas
    printed = []

    def page(venue_id: str, day: dt.date, caller_id: str | None = None):
        def text(answer):
            printed.append(answer)
            return convert.availability_page(answer)
        return other.availability.rendered_for(other.db, venue_id, day, 60, "", caller_id, convert.availability,
                                               convert.members_only, text)

    plain, day = one.venue(name="Paged"), local_day(2)
    first = page(plain.venue.id, day)
    assert page(plain.venue.id, day) is first and page(plain.venue.id, day, str(uuid.uuid4())) is first
    assert len(printed) == 1
    one.book(someone("player"), plain.courts[0].id, local_dt(day, "12:00").astimezone(dt.timezone.utc))
    assert page(plain.venue.id, day) is not first and len(printed) == 2
    assert "07:00" not in [s["local_start"] for s in json.loads(first.body.data)["courts"][0]["slots"]]

    evenings = one.venue(name="Evenings", member_hours=[{"court_id": None, "weekdays": [], "start": "18:00",
                                                         "end": "21:00", "opens_to_all_minutes": 1440}])
    seen = [json.loads(page(evenings.venue.id, day).body.data) for _ in range(2)]
    assert len(printed) == 4 and seen[0] == seen[1]
    evening = {s["local_start"]: s for s in seen[0]["courts"][0]["slots"]}["19:00"]
    assert evening["members_only"] and evening["closed_to_caller"]


def test_a_venue_search_is_kept_until_anything_it_shows_changes_through_any_replica(replicas):
    one, other = replicas
    city = f"Searchtown {uuid.uuid4().hex[:6]}"
    venue = one.venue(name="Alpha", city=city)
    owner = someone("venue_owner", user_id=venue.venue.owner_id)

    def search() -> list[tuple[str, int, list[str]]]:
        found = other.venues.search(other.db, city, "", None, 0, 20, "")
        return [(v.venue.name, v.venue.base_hourly_price_paisa, [c.name for c in v.courts if c.active])
                for v in found.items]

    assert search() == [("Alpha", venue.venue.base_hourly_price_paisa, ["Court 1"])]
    assert len(statements(other.db, search)) == 1  # kept: only the version is read
    assert executed(other.db, search) == []  # by the driver itself
    one.venues.create(one.db, owner, {"name": "Beta", "city": city, "opening_hours": EVERY_DAY}, [{"name": "B1"}])
    assert [name for name, _price, _courts in search()] == ["Alpha", "Beta"]
    one.venues.set_price_rules(one.db, owner, venue.venue.id, 900_000, [])
    assert search()[0][1] == 900_000
    one.venues.update_court(one.db, owner, venue.venue.id, venue.courts[0].id, {"active": False})
    assert search()[0][2] == []
    one.venues.update(one.db, owner, venue.venue.id, {"name": "Gamma"})
    assert [name for name, _price, _courts in search()] == ["Beta", "Gamma"]
    assert len(statements(other.db, search)) == 1
    # A booking changes nothing a search shows: the search stays kept.
    one.book(someone("player"), one.venues.search(one.db, city, "", None, 0, 20, "").items[0].courts[0].id,
             local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc))
    assert len(statements(other.db, search)) == 1


def test_the_venue_search_json_the_edge_passes_through_is_printed_once_per_kept_search(replicas):
    """ListVenuesPage's JSON is kept beside the search it prints (a search looks the same to every
    caller): a repeated search prints nothing, a change it shows prints it anew."""
    one, other = replicas
    city = f"Printtown {uuid.uuid4().hex[:6]}"
    venue = one.venue(name="Printed", city=city)
    printed = []

    def page():
        def text(answer):
            printed.append(answer)
            return convert.venues_page(answer)
        return other.venues.rendered_search(other.db, city, "", None, 0, 20, "", False,
                                            lambda found: api.ListVenuesResponse(
                                                venues=[convert.venue(v) for v in found.items]), text)

    first = page()
    assert page() is first and len(printed) == 1
    one.venues.update(one.db, someone("venue_owner", user_id=venue.venue.owner_id), venue.venue.id, {"name": "Reprinted"})
    assert [v["name"] for v in json.loads(page().body.data)["venues"]] == ["Reprinted"] and len(printed) == 2


def test_a_booking_takes_four_statements_and_loads_no_venue_court_or_player_rows(replicas):
    """One look (court's venue, the key, the booker, whether they hold a membership there), a second
    (a closure, run-out holds, the daily limit: under an advisory lock on PostgreSQL), the booking,
    its events; the venue and court come from the kept setup, and a player with no membership of the
    venue has none read. (It was ten, with the venue, court and player loaded; then seven.)"""
    one, _other = replicas
    venue = one.venue(name="Booked")
    day = local_day(2)
    slots(one, venue.venue.id, day)
    player = someone("player")
    flushes = []

    def flushed(_session, _context) -> None:
        flushes.append(1)

    event.listen(Session, "after_flush", flushed)
    try:
        sent = executed(one.db, lambda: one.book(player, venue.courts[0].id, local_dt(day, "12:00")
                                                   .astimezone(dt.timezone.utc)))
    finally:
        event.remove(Session, "after_flush", flushed)
    assert len(sent) == 4 + (1 if one.db.is_postgres else 0), sent
    assert len(flushes) == 1  # the booking and its events (BookingCreated, BookingConfirmed) together
    assert not [s for s in sent if s.startswith(("SELECT venues.id", "SELECT courts.id", "SELECT players.id",
                                                 "SELECT invitations.", "SELECT memberships."))]
    # The same key and body again answer the booking it made.
    key_start = local_dt(day, "14:00").astimezone(dt.timezone.utc)
    first = one.bookings.book(one.db, player, venue.courts[0].id, key_start, 60, [], "", "same-key").booking
    assert one.bookings.book(one.db, player, venue.courts[0].id, key_start, 60, [], "", "same-key").booking.id == first.id
