"""The outbox keeps the W3C `traceparent` of the work that wrote each event (mesh.tracing).

A second head beside each service's own history: both start at 0001, so `Database.migrate`
upgrades to `heads`. Revision 0001 creates the event tables with the column (as mesh.outbox's models
were when it was written out), so a database created since already has it; one created before gets it here.

Revision ID: mesh_0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "mesh_0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _has_column() -> bool:
    return "traceparent" in {column["name"] for column in sa.inspect(op.get_bind()).get_columns("outbox")}


def upgrade() -> None:
    if not _has_column():
        op.add_column("outbox", sa.Column("traceparent", sa.String(55), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("traceparent")
