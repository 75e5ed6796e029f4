"""Versions that keep the kept answers of availability and venue search exact (issue 11).

- `availability_versions`: per venue and opening date, raised by every booking written (inserted,
  deleted, or changed in court, time, status or hold), for its old and its new day. Triggers raise
  it, in the writing transaction, whatever code writes the booking (ORM, Core, another helper's).
- A closure written raises its venue's `setup_version` (also what availability keeps).
- `venue_search_version`: one row, raised by any write to venues, courts, price rules, reviews or
  membership plans (what a venue in a search shows).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# What a booking's place in availability depends on.
BOOKING_COLUMNS = "venue_id, court_id, start_time, end_time, opening_date, status, hold_expires_at"
SEARCHED = ("venues", "courts", "price_rules", "reviews", "membership_plans")


def _raise_day(row: str) -> str:
    return (f"INSERT INTO availability_versions (venue_id, opening_date, version) "
            f"VALUES ({row}.venue_id, {row}.opening_date, 1) "
            f"ON CONFLICT (venue_id, opening_date) DO UPDATE SET version = availability_versions.version + 1")


RAISE_SEARCH = "UPDATE venue_search_version SET version = version + 1"


def _raise_setup(row: str) -> str:
    return f"UPDATE venues SET setup_version = setup_version + 1 WHERE id = {row}.venue_id"


def upgrade() -> None:
    op.create_table(
        "availability_versions",
        sa.Column("venue_id", sa.String(36), primary_key=True),
        sa.Column("opening_date", sa.Date(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "venue_search_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.execute("INSERT INTO venue_search_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    op.execute(f"CREATE TRIGGER bookings_day_insert AFTER INSERT ON bookings BEGIN {_raise_day('NEW')}; END")
    op.execute(f"CREATE TRIGGER bookings_day_update AFTER UPDATE OF {BOOKING_COLUMNS} ON bookings "
               f"BEGIN {_raise_day('OLD')}; {_raise_day('NEW')}; END")
    op.execute(f"CREATE TRIGGER bookings_day_delete AFTER DELETE ON bookings BEGIN {_raise_day('OLD')}; END")
    for when, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        op.execute(f"CREATE TRIGGER closures_setup_{when.lower()} AFTER {when} ON closures "
                   f"BEGIN {_raise_setup(row)}; END")
        for table in SEARCHED:
            op.execute(f"CREATE TRIGGER {table}_search_{when.lower()} AFTER {when} ON {table} "
                       f"BEGIN {RAISE_SEARCH}; END")


def _postgres_triggers() -> None:
    op.execute(f"""
        CREATE FUNCTION bookings_raise_day() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN {_raise_day('OLD')}; END IF;
            IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.venue_id, NEW.opening_date)
                                    IS DISTINCT FROM (OLD.venue_id, OLD.opening_date)) THEN
                {_raise_day('NEW')};
            END IF;
            RETURN NULL;
        END $$""")
    op.execute(f"CREATE TRIGGER bookings_raise_day AFTER INSERT OR DELETE OR UPDATE OF {BOOKING_COLUMNS} "
               "ON bookings FOR EACH ROW EXECUTE FUNCTION bookings_raise_day()")
    op.execute(f"""
        CREATE FUNCTION closures_raise_setup() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN {_raise_setup('OLD')}; END IF;
            IF TG_OP <> 'DELETE' THEN {_raise_setup('NEW')}; END IF;
            RETURN NULL;
        END $$""")
    op.execute("CREATE TRIGGER closures_raise_setup AFTER INSERT OR UPDATE OR DELETE ON closures "
               "FOR EACH ROW EXECUTE FUNCTION closures_raise_setup()")
    op.execute(f"""
        CREATE FUNCTION venue_search_raise() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {RAISE_SEARCH}; RETURN NULL; END $$""")
    for table in SEARCHED:
        op.execute(f"CREATE TRIGGER {table}_search AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION venue_search_raise()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in SEARCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search ON {table}")
        op.execute("DROP TRIGGER IF EXISTS closures_raise_setup ON closures")
        op.execute("DROP TRIGGER IF EXISTS bookings_raise_day ON bookings")
        for function in ("venue_search_raise", "closures_raise_setup", "bookings_raise_day"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for when in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS bookings_day_{when}")
            op.execute(f"DROP TRIGGER IF EXISTS closures_setup_{when}")
            for table in SEARCHED:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{when}")
    op.drop_table("venue_search_version")
    op.drop_table("availability_versions")
