"""Runs booking_svc: `python -m booking_svc` (settings from PADEL_* environment variables)."""

from booking_svc.server import main

main()
