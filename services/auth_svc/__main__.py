"""Runs auth_svc: `python -m auth_svc` (settings from PADEL_* environment variables)."""

from auth_svc.server import main

main()
