"""booking_svc's fixtures live in booking_testkit (importable by the tests as well)."""

from booking_testkit import booking, database, inviting, players

__all__ = ["booking", "database", "inviting", "players"]  # the fixtures pytest finds here
