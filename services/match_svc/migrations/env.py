"""Alembic environment of match_svc: one history per service, run at start by mesh."""

from mesh.db import run_migrations_online

from match_svc.store import Base

run_migrations_online(Base.metadata)
