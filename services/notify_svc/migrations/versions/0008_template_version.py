"""A version of the templates, raised by the database with every write to them (issue 11).

notify keeps the templates it rendered with in memory and checks this one row once per transaction
instead of reading a template per message; triggers raise it in the writing transaction whatever
writes a template (an admin's edit, the shipped defaults refreshed by a starting replica, a migration),
so every replica sees a change with its next transaction.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RAISE = "UPDATE template_version SET version = version + 1"


def upgrade() -> None:
    op.create_table(
        "template_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.execute("INSERT INTO template_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION templates_raise_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {RAISE}; RETURN NULL; END $$""")
        op.execute("CREATE TRIGGER templates_raise_version AFTER INSERT OR UPDATE OR DELETE ON templates "
                   "FOR EACH STATEMENT EXECUTE FUNCTION templates_raise_version()")
    else:
        for when in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER templates_version_{when.lower()} AFTER {when} ON templates "
                       f"BEGIN {RAISE}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS templates_raise_version ON templates")
        op.execute("DROP FUNCTION IF EXISTS templates_raise_version()")
    else:
        for when in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS templates_version_{when}")
    op.drop_table("template_version")
