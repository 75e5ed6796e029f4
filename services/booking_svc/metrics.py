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
# Gross and given back, both counters (a counter never goes down): revenue net of cancellations is
# revenue - refunded (the recording rule padel:booking_net_revenue_paisa:increase1h).
REVENUE_PAISA = Counter("padel_booking_revenue_paisa", "Price of bookings confirmed (and price added by moving "
                        "one to a dearer time), in paisa, by venue.", ("venue_id",))
REFUNDED_PAISA = Counter("padel_booking_refunded_paisa", "Revenue given back, in paisa, by venue: a confirmed "
                         "booking cancelled (its price less the fee kept) or moved to a cheaper time.", ("venue_id",))
JOB_FAILURES = Counter("padel_booking_job_failures", "Work the booking job could not do in a pass (logged and "
                       "left for the next pass), by task (lottery, holds, ...).", ("task",))


def job_failed(task: str) -> None:
    """Counted at once: the failed work rolled back, nothing commits for it."""
    JOB_FAILURES.labels(task).inc()


def booked(session: Session, venue_id: str) -> None:
    after_commit(session, BOOKINGS_CREATED.labels(venue_id).inc)


def confirmed(session: Session, venue_id: str, price_paisa: int) -> None:
    after_commit(session, lambda: REVENUE_PAISA.labels(venue_id).inc(price_paisa))


def repriced(session: Session, venue_id: str, before_paisa: int, after_paisa: int) -> None:
    """A confirmed booking's price changed (moved): the difference is revenue gained or given back."""
    if after_paisa > before_paisa:
        after_commit(session, lambda: REVENUE_PAISA.labels(venue_id).inc(after_paisa - before_paisa))
    elif after_paisa < before_paisa:
        after_commit(session, lambda: REFUNDED_PAISA.labels(venue_id).inc(before_paisa - after_paisa))


def cancelled(session: Session, venue_id: str, category: str, refunded_paisa: int = 0) -> None:
    """`category` is who or what cancelled: "player", "venue", "expired" or "account_closed";
    `refunded_paisa` the counted revenue given back (none for a booking never confirmed)."""
    after_commit(session, BOOKINGS_CANCELLED.labels(venue_id, category).inc)
    if refunded_paisa:
        after_commit(session, lambda: REFUNDED_PAISA.labels(venue_id).inc(refunded_paisa))
