"""The rules of memberships (pure): how long a paid period lasts, the state of a membership, what a
member's plans give them (a price off their own share, booking further ahead, more bookings a day,
free cancelling until later), each player's share of a booking, and when a renewal is reminded.

A padel court is played by four, so a player's share is a quarter of the court's price: a member's
price lowers that quarter, never what the other players pay.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from typing import Sequence

from booking_svc import domain

PLAYERS_PER_COURT = 4
MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
ACTIVE, GRACE, EXPIRED = "active", "grace", "expired"
# Where a plan's online payment (a MembershipDue) stands.
DUE, PAID, WITHDRAWN = "due", "paid", "withdrawn"


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def period_start(current: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """Where a payment's period begins: at the end of a running membership, or now for a lapsed or new one."""
    return max(current, now) if current else now


def paid_until(current: dt.datetime | None, period: str, now: dt.datetime) -> dt.datetime:
    """A payment extends a running membership from its end, or starts a lapsed one now."""
    return add_months(period_start(current, now), MONTHS[period])


def state(paid_until_: dt.datetime, grace_days: int, now: dt.datetime) -> str:
    if now < paid_until_:
        return ACTIVE
    if now < paid_until_ + dt.timedelta(days=grace_days):
        return GRACE
    return EXPIRED


def lapsed(opened_at: dt.datetime, paid_until_: dt.datetime, grace_days: int, now: dt.datetime) -> bool:
    """Whether a payment opened while a membership ran (its renewal) no longer stands: the grace
    days ran out since. Paid later, it would restart the membership from that day; the player
    joins again instead."""
    grace_end = paid_until_ + dt.timedelta(days=grace_days)
    return opened_at < grace_end <= now


def member_discount(court_price: int, percent_off: int) -> int:
    """What a member saves on a court's price: `percent_off` of their own share only."""
    return court_price // PLAYERS_PER_COURT * percent_off // 100


@dataclasses.dataclass(frozen=True)
class MemberPrice:
    """A plan's member price for a court, weekdays and time of day: an amount or a percent off the
    member's own share of games starting in the window."""

    court_id: str | None  # None: every court of the venue
    weekdays: frozenset[int]
    start: int
    end: int
    amount_off: int
    percent_off: int

    def covers(self, court_id: str, local_start: dt.datetime) -> bool:
        return self.court_id in (None, court_id) and domain.in_local_window(self.weekdays, self.start, self.end,
                                                                           local_start)


@dataclasses.dataclass(frozen=True)
class PlanTerms:
    """What one live membership gives its member."""

    percent_off: int = 0
    prices: tuple[MemberPrice, ...] = ()
    lottery_weight: int = 1
    extra_horizon_days: int = 0
    extra_bookings_per_day: int = 0
    free_until_hours: int | None = None

    def discount(self, court_price: int, court_id: str, local_start: dt.datetime) -> int:
        """Off the member's quarter of `court_price`: the first price rule covering the game, else the
        plan's percent off; never more than the quarter."""
        share = court_price // PLAYERS_PER_COURT
        rule = next((r for r in self.prices if r.covers(court_id, local_start)), None)
        if rule is None:
            return member_discount(court_price, self.percent_off)
        return min(share, rule.amount_off or share * rule.percent_off // 100)


@dataclasses.dataclass(frozen=True)
class Benefits:
    """What a player's live memberships (active or in grace) at a venue give them: the best of each."""

    plans: tuple[PlanTerms, ...] = ()

    @property
    def member(self) -> bool:
        return bool(self.plans)

    @property
    def lottery_weight(self) -> int:
        return max([1, *(p.lottery_weight for p in self.plans)])

    @property
    def extra_horizon_days(self) -> int:
        return max([0, *(p.extra_horizon_days for p in self.plans)])

    def discount(self, court_price: int, court_id: str, local_start: dt.datetime) -> int:
        return max([0, *(p.discount(court_price, court_id, local_start) for p in self.plans)])

    def rules(self, rules: domain.VenueRules) -> domain.VenueRules:
        """The venue's rules as they hold for this player: further ahead, more bookings a day, free
        cancelling until later."""
        if not self.plans:
            return rules
        free = [p.free_until_hours for p in self.plans if p.free_until_hours is not None]
        return dataclasses.replace(
            rules, horizon_days=rules.horizon_days + self.extra_horizon_days,
            max_live_bookings_per_day=rules.max_live_bookings_per_day + max(
                p.extra_bookings_per_day for p in self.plans),
            free_until_hours=min([rules.free_until_hours, *free]))


def share_prices(court_price: int, discounts: Sequence[int]) -> list[int]:
    """Each player's share of a court (the booker first): equal shares, the paisa that do not divide
    evenly on the booker's, each lowered by that player's member discount."""
    base, rest = divmod(court_price, len(discounts))
    return [base + (rest if i == 0 else 0) - min(off, base) for i, off in enumerate(discounts)]


# An expiry older than this is not announced any more (e.g. memberships that lapsed long ago).
EXPIRY_TOLD_WITHIN = dt.timedelta(days=7)


def reminder_due(paid_until_: dt.datetime, grace_days: int, notice: dt.timedelta, now: dt.datetime,
                 due_reminded_for: dt.datetime | None, grace_reminded_for: dt.datetime | None,
                 expiry_told_for: dt.datetime | None) -> str | None:
    """Which message a membership is owed now, each once per paid period: "due" from `notice`
    before the period ends, "grace" once it ended, "expired" once the grace days ran out (for a
    week after)."""
    now_state = state(paid_until_, grace_days, now)
    if now_state == EXPIRED:
        fresh = now < paid_until_ + dt.timedelta(days=grace_days) + EXPIRY_TOLD_WITHIN
        return "expired" if fresh and expiry_told_for != paid_until_ else None
    if now_state == GRACE:
        return "grace" if grace_reminded_for != paid_until_ else None
    if now >= paid_until_ - notice and due_reminded_for != paid_until_:
        return "due"
    return None
