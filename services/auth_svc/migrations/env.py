"""Alembic environment of auth_svc: one history per service, run at start by mesh."""

from auth_svc.store import Base
from mesh.db import run_migrations_online

run_migrations_online(Base.metadata)
