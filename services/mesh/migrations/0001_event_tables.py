"""The outbox and processed-events tables every service has: the first revision of every
service's history (mesh.db adds this folder to each service's version locations).

Revision ID: 0001
Revises:
"""

from alembic import op

from mesh.outbox import create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_event_tables(op)


def downgrade() -> None:
    drop_event_tables(op)
