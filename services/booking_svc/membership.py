"""The rules of memberships (pure): how long a paid period lasts, the state of a membership, and the
member's price, which is taken off the member's own share of the court only.

A padel court is played by four, so a player's share is a quarter of the court's price: a member's
percent off lowers that quarter, never what the other three pay.
"""

from __future__ import annotations

import calendar
import datetime as dt

PLAYERS_PER_COURT = 4
MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
ACTIVE, GRACE, EXPIRED = "active", "grace", "expired"


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def paid_until(current: dt.datetime | None, period: str, now: dt.datetime) -> dt.datetime:
    """A payment extends a running membership from its end, or starts a lapsed one now."""
    return add_months(max(current, now) if current else now, MONTHS[period])


def state(paid_until_: dt.datetime, grace_days: int, now: dt.datetime) -> str:
    if now < paid_until_:
        return ACTIVE
    if now < paid_until_ + dt.timedelta(days=grace_days):
        return GRACE
    return EXPIRED


def member_discount(court_price: int, percent_off: int) -> int:
    """What a member saves on a court's price: `percent_off` of their own share only."""
    return court_price // PLAYERS_PER_COURT * percent_off // 100
