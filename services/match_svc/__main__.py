"""Runs match_svc: `python -m match_svc` (settings from PADEL_* environment variables)."""

from match_svc.server import main

main()
