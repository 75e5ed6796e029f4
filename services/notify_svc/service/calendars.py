"""A player's bookings as a calendar feed: a private URL any calendar program subscribes to.

The URL's secret token is shown once, when it is made, and kept only as its SHA-256; making a new one
(rotating) replaces the stored hash, so the old URL stops working at once. The feed holds the live
calendar entries the player's booking emails carried (`Bookings`), from FEED_PAST_DAYS ago on.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Callable

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from notify_svc import calendar, domain, store

FEED_PATH = "/api/notifications/calendar/"  # GetCalendarFeed's REST path; the file name follows
FEED_PAST_DAYS = 90  # games played this long ago still show
FEED_LIMIT = 500  # entries in one feed at most, the soonest first


class CalendarFeeds:
    def __init__(self, *, app_base_url: str, organizer: str = "", clock: Callable[[], dt.datetime] = utcnow):
        self.app_base_url = app_base_url
        self.organizer = organizer
        self.clock = clock

    def rotate(self, uow: UnitOfWork, caller: Caller) -> str:
        """A new private feed URL for the caller; the one before stops working."""
        token = secrets.token_urlsafe(32)
        with uow.session() as session:
            feed = store.calendar_feed(session, caller.user_id)
            if feed is None:
                feed = store.add_calendar_feed(session, store.CalendarFeed(user_id=caller.user_id))
            feed.token_hash, feed.created_at = domain.feed_token_hash(token), self.clock()
        return f"{self.app_base_url}{FEED_PATH}{token}{domain.FEED_SUFFIX}"

    def feed(self, uow: UnitOfWork, file_name: str) -> str:
        """The iCalendar text of the feed `file_name` names (NotFound for an unknown or rotated one)."""
        with uow.session(read_only=True) as session:
            found = store.calendar_feed_by_hash(session, domain.feed_token_hash(domain.feed_token(file_name)))
            domain.check_feed(found.user_id if found is not None else None)
            since = self.clock() - dt.timedelta(days=FEED_PAST_DAYS)
            return calendar.feed(store.calendar_of(session, found.user_id, since, FEED_LIMIT), self.organizer)
