"""match_svc's fixtures: the real booking_svc and match_svc on port 0 (match asks booking about the
organiser's court), on SQLite or on PostgreSQL."""

import pathlib
import sys

# booking_svc's own test helpers (venues, future local times, its client) serve these tests too.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "booking"))

from match_testkit import matches, matches_postgres  # noqa: E402

__all__ = ["matches", "matches_postgres"]  # the fixtures pytest finds here
