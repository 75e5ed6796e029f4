"""Runs notify_svc: `python -m notify_svc` (settings from PADEL_* environment variables)."""

from notify_svc.server import main

main()
