"""Connection messages get a kind family of their own ("connections"), no longer "match_invites".

Whoever got connection messages so far (match invites on) keeps getting them: "connections" is added
to their kinds, as user_svc's migration 0007 adds the kind to their preferences.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

recipients = sa.table("recipients", sa.column("user_id", sa.String), sa.column("kinds", sa.String))


def _kinds(change) -> None:
    connection = op.get_bind()
    for user_id, kinds in connection.execute(sa.select(recipients.c.user_id, recipients.c.kinds)).all():
        families = [name for name in kinds.split(",") if name]
        changed = change(families)
        if changed != families:
            connection.execute(recipients.update().where(recipients.c.user_id == user_id)
                               .values(kinds=",".join(changed)))


def upgrade() -> None:
    _kinds(lambda families: [*families, "connections"]
           if "match_invites" in families and "connections" not in families else families)


def downgrade() -> None:
    _kinds(lambda families: [name for name in families if name != "connections"])
