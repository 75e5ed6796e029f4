"""A retired venue's courts are retired with it (`Venues.retire_venue`), so the owner's report counts
no open minutes after the venue closed. Venues retired before this revision still have active courts:
they are retired at the venue's last change, which is its retirement unless the owner edited it after.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    venues = sa.table("venues", sa.column("id"), sa.column("active"), sa.column("updated_at"))
    courts = sa.table("courts", sa.column("venue_id"), sa.column("active"), sa.column("retired_at"))
    retired_venue = (venues.c.id == courts.c.venue_id) & venues.c.active.is_(sa.false())
    closed_at = sa.select(venues.c.updated_at).where(retired_venue).scalar_subquery()
    op.execute(courts.update()
               .where(courts.c.active.is_(sa.true()), sa.exists().where(retired_venue))
               .values(active=sa.false(), retired_at=closed_at))


def downgrade() -> None:
    """Nothing to undo: the courts of a retired venue take no bookings either way."""
