"""Demo venues for a first session: `python -m booking_svc.seed` (run by `make run` once the
platform is healthy; settings from the same PADEL_* variables as the server).

Creates, once, three venues owned by the demo venue owner: Karachi (07:00–23:00), Lahore
(18:00–03:00, past midnight, as in Ramadan) and Islamabad (08:00–22:00), with courts and peak prices.
The owner is `--owner-id`, else PADEL_BOOKING_DEMO_OWNER_ID, else `mesh.settings.DEMO_OWNER_ID`: the
id of the demo owner account auth_svc makes at `padel run`, whose email and password the launcher prints.
Running it again changes nothing. Prints each venue's id and city.
"""

import argparse
import datetime as dt
import uuid

from booking_svc import store
from booking_svc.server import MIGRATIONS, settings_from_env
from booking_svc.service import Venues
from mesh import caller
from mesh.db import Database

EVERY_DAY = range(1, 8)


def _venue(name, city, latitude, longitude, address, phone, open_, close, courts, base_rupees, peak):
    start, end, peak_rupees = peak
    return {
        "columns": {"name": name, "city": city, "address": address, "phone": phone, "latitude": latitude,
                    "longitude": longitude,
                    "opening_hours": [{"weekday": w, "open": open_, "close": close} for w in EVERY_DAY],
                    "base_hourly_price_paisa": base_rupees * 100},
        "courts": [{"name": f"Court {i}", "environment": 1 if i == 1 else 2, "surface": 1} for i in range(1, courts + 1)],
        "rules": [{"court_id": None, "weekdays": [], "start": start, "end": end, "hourly_price_paisa": peak_rupees * 100}],
    }


DEMO_VENUES = [
    _venue("Clifton Padel Club", "Karachi", 24.8138, 67.0300, "Block 4, Clifton", "+922135550100",
           "07:00", "23:00", 3, 6000, ("18:00", "23:00", 8000)),
    _venue("Gulberg Night Padel", "Lahore", 31.5090, 74.3440, "MM Alam Road, Gulberg III", "+924235550100",
           "18:00", "03:00", 2, 5000, ("20:00", "01:00", 7000)),
    _venue("F-7 Padel Courts", "Islamabad", 33.7215, 73.0565, "Jinnah Super Market, F-7", "+925135550100",
           "08:00", "22:00", 2, 5500, ("17:00", "22:00", 7500)),
]


def seed(database: Database, owner_id: str) -> list[store.Venue]:
    venues = Venues()
    owner = caller.Caller(owner_id, frozenset({caller.VENUE_OWNER}), "seed", dt.datetime.now(dt.timezone.utc), "")
    seeded = []
    for demo in DEMO_VENUES:
        with database.session(read_only=True) as session:
            venue = store.venue_named(session, owner_id, demo["columns"]["name"])
        if venue is None:
            venue = venues.create(database, owner, demo["columns"], demo["courts"]).venue
            venues.set_price_rules(database, owner, venue.id, venue.base_hourly_price_paisa, demo["rules"])
        seeded.append(venue)
    return seeded


def uuid_text(value: str) -> str:
    """A user id as given, if it is a uuid (argparse names the option otherwise)."""
    uuid.UUID(value)
    return value


def main(argv: list[str] | None = None) -> None:
    settings = settings_from_env()
    parser = argparse.ArgumentParser(prog="python -m booking_svc.seed", description="Seeds the demo venues.")
    parser.add_argument("--owner-id", default=settings.demo_owner_id, type=uuid_text,
                        help="the demo venue owner's user id (default: PADEL_BOOKING_DEMO_OWNER_ID)")
    owner_id = parser.parse_args(argv).owner_id
    database = Database(settings.database_url)
    try:
        database.migrate(MIGRATIONS)
        for venue in seed(database, owner_id):
            print(f"demo venue {venue.id}  {venue.city:<10} {venue.name}")
        print(f"demo venue owner id {owner_id}")
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
