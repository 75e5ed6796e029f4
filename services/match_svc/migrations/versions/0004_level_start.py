"""ratings.start: where a level started, the questionnaire or the skill_level of the player's profile.

Every existing level came from the questionnaire.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(sa.Column("start", sa.String(13), nullable=False, server_default="questionnaire"))


def downgrade() -> None:
    with op.batch_alter_table("ratings") as batch:
        batch.drop_column("start")
