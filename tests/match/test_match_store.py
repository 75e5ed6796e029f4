"""Invariant 8 lives in the database, not in a lock of one process: the seats table refuses a place
taken twice and a player seated twice in one match, on SQLite and on PostgreSQL."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import exc

from match_svc import store
from match_svc.server import MIGRATIONS
from mesh.db import Database

NOW = dt.datetime(2026, 12, 7, 12, tzinfo=dt.timezone.utc)


def a_match() -> store.Match:
    return store.Match(
        id=str(uuid.uuid4()), organiser_id=str(uuid.uuid4()), booking_id=str(uuid.uuid4()), venue_id=str(uuid.uuid4()),
        venue_name="Club", city="Karachi", city_key="karachi", court_id=str(uuid.uuid4()), court_name="Court 1",
        start_time=NOW, end_time=NOW + dt.timedelta(hours=1), time_zone="Asia/Karachi", local_date="2026-12-07",
        local_start="17:00", kind="competitive", gender_mode="open", min_level=2.5, max_level=3.5, status="open",
        free_places=4, created_at=NOW, updated_at=NOW)


def seat(match_id: str, place: int, player_id: str) -> store.Seat:
    return store.Seat(match_id=match_id, side="B", place=place, player_id=player_id, gender="unspecified", level=3.0,
                      joined_at=NOW, no_show=False)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_place_is_taken_once_and_a_player_sits_once(request, backend):
    database = Database(request.getfixturevalue(f"{backend}_url"))
    request.addfinalizer(database.dispose)
    database.migrate(MIGRATIONS)
    match = a_match()
    with database.session() as session:
        session.add(match)
        session.flush()
        session.add(seat(match.id, 1, "first"))
    with pytest.raises(exc.IntegrityError):
        with database.session() as session:
            session.add(seat(match.id, 1, "second"))
    with pytest.raises(exc.IntegrityError):
        with database.session() as session:
            session.add(seat(match.id, 2, "first"))
    with database.session() as session:
        assert [s.player_id for s in store.match(session, match.id).seats] == ["first"]
