"""The owner's weekly summary: once a week per venue, on Monday from 08:00 in the venue's time, the
past week's headline numbers (bookings, occupancy, net revenue, no-show rate, new players, rating),
published for notify to send by the owner's channels.

A week is sent once: the summary's row (venue, week) is written in the transaction that publishes it,
and the database refuses a second, so neither a restart nor a second replica sends it twice. A venue
down for weeks gets the latest week only; weeks that ended before the venue opened are skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

from sqlalchemy import exc

from booking_svc import domain, events, store
from booking_svc.service import rows
from booking_svc.service.reports import figures
from mesh.clock import utcnow
from mesh.db import UnitOfWork

log = logging.getLogger("padel.booking.summaries")
WEEK = dt.timedelta(days=6)  # Monday to Sunday, both included


class WeeklySummaries:
    def __init__(self, clock: Callable[[], dt.datetime] = utcnow):
        self.clock = clock

    def send_due(self, uow: UnitOfWork) -> int:
        """Publishes every venue's due summary not sent yet, each in its own transaction; how many."""
        now = self.clock()
        with uow.session(read_only=True) as session:
            candidates = store.summary_candidates(session)
        due = []
        for venue_id, zone_name, created_at, last_sent in candidates:
            zone = domain.ZoneInfo(zone_name)
            week = domain.summary_week(now, zone)
            if (last_sent is None or last_sent < week) and created_at.astimezone(zone).date() <= week + WEEK:
                due.append((venue_id, week))
        sent = 0
        for venue_id, week in due:
            try:
                with uow.session() as session:
                    session.add(store.WeeklySummary(venue_id=venue_id, week_start=week, sent_at=now))
                    session.flush()
                    venue = rows.venue(session, venue_id)
                    events.weekly_summary(session, figures(session, venue, week, week + WEEK),
                                          store.venue_rating(session, venue.id))
                sent += 1
            except exc.IntegrityError:
                log.info("weekly summary sent by another replica", extra={"venue_id": venue_id})
        return sent
