"""Alembic environment of payment_svc: one history per service, run at start by mesh."""

from mesh.db import run_migrations_online

run_migrations_online()
