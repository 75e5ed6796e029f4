"""Runs user_svc: `python -m user_svc` (settings from PADEL_* environment variables)."""

from user_svc.server import main

main()
