"""Alembic environment of notify_svc: one history per service, run at start by mesh."""

from mesh.db import run_migrations_online

from notify_svc.store import Base

run_migrations_online(Base.metadata)
