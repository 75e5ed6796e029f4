"""NOTIFICATION_KIND_CONNECTIONS (5): connection messages get a kind of their own.

They followed match invites until now, so a player with match invites on gets the new kind too
(notify_svc's migration 0007 does the same to its copy of the preferences). The kinds are the
contract's numbers (padel.user.v1 NotificationKind), written out here rather than imported from
`user_svc.domain`, so a later change there never changes what this revision did.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NOTIFICATION_KIND_MATCH_INVITES, NOTIFICATION_KIND_CONNECTIONS = 3, 5

preferences = sa.table("preferences", sa.column("user_id", sa.String), sa.column("kinds", sa.JSON))


def _kinds(change) -> None:
    connection = op.get_bind()
    for user_id, kinds in connection.execute(sa.select(preferences.c.user_id, preferences.c.kinds)).all():
        changed = change(list(kinds))
        if changed != kinds:
            connection.execute(preferences.update().where(preferences.c.user_id == user_id).values(kinds=changed))


def upgrade() -> None:
    _kinds(lambda kinds: [*kinds, NOTIFICATION_KIND_CONNECTIONS]
           if NOTIFICATION_KIND_MATCH_INVITES in kinds and NOTIFICATION_KIND_CONNECTIONS not in kinds else kinds)


def downgrade() -> None:
    _kinds(lambda kinds: [kind for kind in kinds if kind != NOTIFICATION_KIND_CONNECTIONS])
