"""profiles.match_level, level_reliability, level_updated_at: the level match_svc rates a player at.

Copied from match_svc's LevelChanged / StartingLevelSet events; null until match_svc has a level
(every existing profile).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("match_level", sa.Float, nullable=True))
        batch.add_column(sa.Column("level_reliability", sa.Float, nullable=True))
        batch.add_column(sa.Column("level_updated_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("level_updated_at")
        batch.drop_column("level_reliability")
        batch.drop_column("match_level")
