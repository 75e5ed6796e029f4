"""profiles.findable and profiles.search_name: players are found by name, city and level.

Existing profiles become findable (the default) and get the search form of their display name, by
the rule as it stood at this revision (`user_svc.domain.search_key` and `user_svc.store.SEARCH_NAME_LENGTH`
on 2026-12-07), written out here so a later change to either never changes what this revision did.

Revision ID: 0004
Revises: 0003
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SEARCH_NAME_LENGTH = 200


def _search_key(text: str) -> str:
    """`text` as searches compared it: combining marks dropped, case folded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def upgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("findable", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("search_name", sa.String(SEARCH_NAME_LENGTH), nullable=False, server_default=""))
    profiles = sa.table("profiles", sa.column("user_id", sa.String), sa.column("display_name", sa.String),
                        sa.column("search_name", sa.String))
    connection = op.get_bind()
    named = connection.execute(sa.select(profiles.c.user_id, profiles.c.display_name)
                               .where(profiles.c.display_name != "")).all()
    for user_id, display_name in named:
        connection.execute(profiles.update().where(profiles.c.user_id == user_id)
                           .values(search_name=_search_key(display_name)[:SEARCH_NAME_LENGTH]))
    # Results are listed by name: the index serves their order (and name prefixes).
    op.create_index("ix_profiles_search_name", "profiles", ["search_name", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_profiles_search_name", "profiles")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("search_name")
        batch.drop_column("findable")
