"""The outbox and processed-events tables every service has: the first revision of every
service's history (mesh.db adds this folder to each service's version locations).

The tables as mesh.outbox's models described them at this revision (2026-12-07, `traceparent`
included, so mesh_0002 finds it and adds nothing), written out here so a later change to the
models never changes what this revision creates; such a change needs a revision of its own.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("stream", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.Column("traceparent", sa.String(55), nullable=True),
    )
    # Only unpublished rows are ever scanned; the partial index stays as small as the backlog.
    op.create_index("ix_outbox_unpublished", "outbox", ["created_at"],
                    postgresql_where=sa.text("published_at IS NULL"), sqlite_where=sa.text("published_at IS NULL"))
    op.create_table(
        "processed_events",
        sa.Column("consumer_group", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("handled_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("processed_events")
    op.drop_index("ix_outbox_unpublished", "outbox")
    op.drop_table("outbox")
