"""booking_svc's schema history on SQLite and PostgreSQL: the courts of a venue retired before its courts
were retired with it are retired at the venue's retirement (revision 0022); a booking cancelled with a
fee before 0024 gets the commission on that fee (rounded down), one cancelled free gets none."""

import datetime as dt
import importlib.util

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from booking_svc import store
from booking_svc.server import MIGRATIONS
from booking_testkit import Clock, Desk, local_day, local_dt, someone


def _run(database, file: str, *steps: str) -> None:
    """Runs the revision's `steps` (upgrade, downgrade) by hand on the migrated database."""
    spec = importlib.util.spec_from_file_location(f"booking_{file[:4]}", MIGRATIONS / "versions" / file)
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    with database.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        for step in steps:
            getattr(revision, step)()


def test_a_venue_retired_before_0022_has_its_courts_retired_at_its_retirement(database):
    desk = Desk(database, Clock())
    closed, kept = desk.venue(name="Long Gone Padel"), desk.venue(name="Still Open Padel")
    owner = someone("venue_owner", user_id=closed.venue.owner_id)
    earlier = desk.venues.add_court(database, owner, closed.venue.id, {"name": "Court 2"})
    earlier, _live = desk.venues.retire_court(database, owner, closed.venue.id, earlier.id)
    retired_at = dt.datetime(2026, 11, 30, 18, tzinfo=dt.timezone.utc)
    with database.session() as session:  # as retire_venue left it before 0022: the courts still active
        venue = session.get(store.Venue, closed.venue.id)
        venue.active, venue.updated_at = False, retired_at

    _run(database, "0022_retired_venue_courts.py", "upgrade")
    with database.session() as session:
        courts = {c.id: (c.active, c.retired_at) for c in session.scalars(sa.select(store.Court))}
    assert courts == {closed.courts[0].id: (False, retired_at), earlier.id: (False, earlier.retired_at),
                      kept.courts[0].id: (True, None)}


def test_a_booking_cancelled_with_a_fee_before_0024_gets_the_commission_on_its_fee(database):
    desk = Desk(database, Clock())
    court = desk.venue(name="Clifton Padel").courts[0].id
    late, free = (desk.book(someone("player"), court, local_dt(local_day(3), clock)) for clock in ("18:00", "20:00"))
    with database.session() as session:  # cancelled, one with a fee of a third of its price, one free
        for booking_id, fee in ((late.id, 1_000), (free.id, None)):
            row = session.get(store.Booking, booking_id)
            row.status, row.price_paisa, row.commission_paisa = "cancelled", 3_000, 1_000
            row.cancellation_fee_paisa = fee

    _run(database, "0024_cancellation_commission.py", "downgrade", "upgrade")
    with database.session() as session:
        kept = {b.id: b.cancellation_commission_paisa for b in session.scalars(sa.select(store.Booking))}
    assert kept == {late.id: 333, free.id: None}
