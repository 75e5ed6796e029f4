"""notify_svc's schema history on SQLite and PostgreSQL: recipients who heard of connections through
match invites keep hearing of them under the kind family of their own (revision 0007)."""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from mesh.db import Database
from notify_svc.server import MIGRATIONS

# recipients as revision 0006 left it (the model describes the newest).
RECIPIENTS = sa.table("recipients", *[sa.column(name) for name in (
    "user_id", "email", "phone", "first_name", "last_name", "language", "channels", "kinds", "quiet_hours_start",
    "quiet_hours_end", "time_zone", "updated_at")])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


def test_recipients_with_match_invites_on_keep_hearing_of_connections(database_url, monkeypatch):
    database = Database(database_url)
    upgrade = command.upgrade
    monkeypatch.setattr(command, "upgrade", lambda config, _revision: upgrade(config, "0006"))
    database.migrate(MIGRATIONS)
    monkeypatch.undo()
    invited, quiet = str(uuid.uuid4()), str(uuid.uuid4())
    with database.engine.begin() as connection:
        for user_id, kinds in ((invited, "booking_confirmations,match_invites"), (quiet, "reminders")):
            connection.execute(RECIPIENTS.insert().values(
                user_id=user_id, email="", phone="", first_name="", last_name="", language="en", channels="email",
                kinds=kinds, quiet_hours_start="", quiet_hours_end="", time_zone="Asia/Karachi",
                updated_at=dt.datetime.now(dt.timezone.utc)))

    database.migrate(MIGRATIONS)
    with database.engine.connect() as connection:
        kinds = dict(connection.execute(sa.select(RECIPIENTS.c.user_id, RECIPIENTS.c.kinds)).all())
    assert kinds == {invited: "booking_confirmations,match_invites,connections", quiet: "reminders"}
    database.dispose()
