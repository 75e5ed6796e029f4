"""Runs payment_svc: `python -m payment_svc` (settings from PADEL_* environment variables)."""

from payment_svc.server import main

main()
