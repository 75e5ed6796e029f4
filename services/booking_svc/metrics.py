"""booking_svc's business counters, beside the RPC metrics every service has.

Each is counted after the commit of the change it counts (never for a rolled-back one); labels carry
the venue id and a reason category, never user ids or free text.
"""

from prometheus_client import Counter
from sqlalchemy.orm import Session

from mesh.db import after_commit

BOOKINGS_CREATED = Counter("padel_bookings_created", "Bookings made, by venue.", ("venue_id",))
BOOKINGS_CANCELLED = Counter("padel_bookings_cancelled", "Bookings cancelled, by venue and who or what "
                             "cancelled (player, venue, expired, account_closed).", ("venue_id", "reason"))
REVENUE_PAISA = Counter("padel_booking_revenue_paisa", "Price of bookings confirmed, in paisa, by venue.",
                        ("venue_id",))


def booked(session: Session, venue_id: str) -> None:
    after_commit(session, BOOKINGS_CREATED.labels(venue_id).inc)


def confirmed(session: Session, venue_id: str, price_paisa: int) -> None:
    after_commit(session, lambda: REVENUE_PAISA.labels(venue_id).inc(price_paisa))


def cancelled(session: Session, venue_id: str, category: str) -> None:
    """`category` is who or what cancelled: "player", "venue", "expired" or "account_closed"."""
    after_commit(session, BOOKINGS_CANCELLED.labels(venue_id, category).inc)
