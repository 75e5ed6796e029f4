"""user_svc's schema history on SQLite and PostgreSQL: profiles that existed before players could
be found become findable, with the search form of their names and the search's column and index
(revision 0004); players who heard of connections through match invites keep hearing of them under
their own kind (revision 0006). Both revisions carry the rules they applied as they stood, so these
results stay what they were whatever the live code becomes."""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from mesh.db import Database
from user_svc import store
from user_svc.server import MIGRATIONS


# The tables as the old revisions left them (the models describe the newest).
PROFILES = sa.table("profiles", *[sa.column(name) for name in (
    "user_id", "display_name", "display_name_chosen", "bio", "city", "city_other", "skill_level", "skill_source",
    "play_frequency", "preferred_play_times", "preferred_hand", "court_side", "matches_played",
    "minutes_on_court", "venues_visited", "no_shows", "created_at", "updated_at")])
PREFERENCES = sa.table("preferences", *[sa.column(name) for name in (
    "user_id", "language", "channels", "quiet_hours_start", "quiet_hours_end", "time_zone", "updated_at")],
    sa.column("kinds", sa.JSON))


def add_profile(connection, user_id: str, name: str, moment: dt.datetime) -> None:
    connection.execute(PROFILES.insert().values(
        user_id=user_id, display_name=name, display_name_chosen=True, bio="", city=0, city_other="",
        skill_level=0.0, skill_source=0, play_frequency=0, preferred_play_times="[]", preferred_hand=0,
        court_side=0, matches_played=0, minutes_on_court=0, venues_visited=0, no_shows=0, created_at=moment,
        updated_at=moment))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


def test_profiles_from_before_the_search_become_findable_by_their_names(database_url, monkeypatch):
    database = Database(database_url)
    upgrade = command.upgrade
    monkeypatch.setattr(command, "upgrade", lambda config, _revision: upgrade(config, "0003"))
    database.migrate(MIGRATIONS)
    monkeypatch.undo()
    moment = dt.datetime.now(dt.timezone.utc)
    named, nameless = str(uuid.uuid4()), str(uuid.uuid4())
    with database.engine.begin() as connection:
        for user_id, name in ((named, "Zára  Khan"), (nameless, "")):
            add_profile(connection, user_id, name, moment)

    database.migrate(MIGRATIONS)
    with database.session() as session:
        found = {p.user_id: (p.search_name, p.findable) for p in session.scalars(sa.select(store.Profile))}
    assert found == {named: ("zara khan", True), nameless: ("", True)}
    # The schema 0004 left: the columns and the index the search reads names in order by.
    inspector = sa.inspect(database.engine)
    columns = {c["name"]: c for c in inspector.get_columns("profiles")}
    assert columns["search_name"]["type"].length == 200 and not columns["search_name"]["nullable"]
    assert not columns["findable"]["nullable"]
    assert {i["name"]: i["column_names"] for i in inspector.get_indexes("profiles")}["ix_profiles_search_name"] == [
        "search_name", "user_id"]
    database.dispose()


def test_players_with_match_invites_on_keep_hearing_of_connections(database_url, monkeypatch):
    database = Database(database_url)
    upgrade = command.upgrade
    monkeypatch.setattr(command, "upgrade", lambda config, _revision: upgrade(config, "0004"))
    database.migrate(MIGRATIONS)
    monkeypatch.undo()
    moment = dt.datetime.now(dt.timezone.utc)
    invited, quiet = str(uuid.uuid4()), str(uuid.uuid4())
    with database.engine.begin() as connection:
        for user_id, kinds in ((invited, [1, 3]), (quiet, [1, 2])):  # match invites (3) on, and off
            add_profile(connection, user_id, "", moment)
            connection.execute(PREFERENCES.insert().values(
                user_id=user_id, language=1, channels="[1]", kinds=kinds, quiet_hours_start="", quiet_hours_end="",
                time_zone="Asia/Karachi", updated_at=moment))

    database.migrate(MIGRATIONS)
    with database.engine.connect() as connection:
        kinds = dict(connection.execute(sa.select(PREFERENCES.c.user_id, PREFERENCES.c.kinds)).all())
    assert kinds == {invited: [1, 3, 5], quiet: [1, 2]}
    database.dispose()
