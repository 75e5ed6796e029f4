"""booking_svc's fixtures live in booking_testkit (importable by the tests as well)."""

from booking_testkit import booking, database, inviting, players  # noqa: F401  (fixtures)
