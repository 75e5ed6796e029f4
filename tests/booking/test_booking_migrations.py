"""booking_svc's schema history on SQLite and PostgreSQL: the courts of a venue retired before its courts
were retired with it are retired at the venue's retirement (revision 0022)."""

import datetime as dt
import importlib.util

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from booking_svc import store
from booking_svc.server import MIGRATIONS
from booking_testkit import Clock, Desk, someone


def _upgrade_to_0022(database) -> None:
    spec = importlib.util.spec_from_file_location(
        "booking_0022", MIGRATIONS / "versions" / "0022_retired_venue_courts.py")
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    with database.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        revision.upgrade()


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

    _upgrade_to_0022(database)
    with database.session() as session:
        courts = {c.id: (c.active, c.retired_at) for c in session.scalars(sa.select(store.Court))}
    assert courts == {closed.courts[0].id: (False, retired_at), earlier.id: (False, earlier.retired_at),
                      kept.courts[0].id: (True, None)}
