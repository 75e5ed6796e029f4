"""The outbox and processed-events tables every service has.

Revision ID: 0001
Revises:
"""

from alembic import op

from mesh.events import create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_event_tables(op)


def downgrade() -> None:
    drop_event_tables(op)
