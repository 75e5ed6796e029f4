"""Booking rules, pure: opening hours (past midnight too), the slot grid, durations, horizon,
closures and bookings in the way, minute-by-minute pricing, commission, the cancellation policy,
the fair-access limit and the booking state machine.

No I/O here: every function takes what it needs (a venue's rules, "now", the busy intervals, the
`Caller`) and raises `mesh.errors` exceptions naming the field at fault. Who may do what is here too,
as pure functions of the caller: an owner manages only their venues, an admin any; a player sees and
changes only their bookings.

A venue's opening belongs to the local day it starts on: 18:00–03:00 on Monday is Monday's
opening, so Monday's availability includes 01:00 on Tuesday morning, and a booking at 01:00 has
Monday as its *opening date* (used for the venue's schedule and the per-day limit).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Callable, Iterable, NamedTuple, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mesh.caller import ADMIN, VENUE_OWNER, Caller
from mesh.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from mesh.settings import DEFAULT_TIME_ZONE

MINUTES_PER_DAY = 24 * 60
ONE_MINUTE = dt.timedelta(minutes=1)


class Status(enum.StrEnum):
    """A booking's life-cycle state, as stored."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class InvitationState(enum.StrEnum):
    """An invited player's answer, as stored."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


# States in which a booking holds its court; the database refuses two overlapping ones per court.
LIVE = (Status.PENDING, Status.CONFIRMED, Status.IN_PROGRESS)

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.CONFIRMED, Status.CANCELLED}),
    Status.CONFIRMED: frozenset({Status.IN_PROGRESS, Status.CANCELLED, Status.NO_SHOW}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED}),
}


def transition(current: Status, target: Status) -> Status:
    """`target` if the state machine allows going there from `current`; else FailedPrecondition."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise FailedPrecondition(f"cannot go from {current.value} to {target.value}", reason="BAD_TRANSITION")
    return target


# Players may be let on court a little early; nobody is "on court", "done" or "absent" days ahead
# (that would free a court that is still sold, and count games that were never played).
CHECK_IN_OPENS = dt.timedelta(minutes=30)


def check_timing(target: Status, start: dt.datetime, now: dt.datetime) -> None:
    """The venue's life-cycle steps happen at the game: check-in from 30 minutes before its start,
    completion and no-show only once it has started."""
    if target is Status.IN_PROGRESS and now < start - CHECK_IN_OPENS:
        raise FailedPrecondition("check-in opens 30 minutes before the start", reason="TOO_EARLY")
    if target in (Status.COMPLETED, Status.NO_SHOW) and now < start:
        raise FailedPrecondition(f"cannot mark {target.value} before the game starts", reason="TOO_EARLY")


# -- who may do what ----------------------------------------------------------------------------------


def may_manage(who: Caller, owner_id: str) -> bool:
    """An owner manages only their venues; an admin any."""
    return who.is_admin or who.user_id == owner_id


def check_may_manage(who: Caller, owner_id: str) -> None:
    if not may_manage(who, owner_id):
        raise PermissionDenied("only the venue's owner or an admin may do that")


def check_may_book_for_others(who: Caller, owner_id: str) -> None:
    """A player books for themself; the venue's owner (or an admin) also for a customer of the venue."""
    if not may_manage(who, owner_id):
        raise PermissionDenied("only the venue's owner or an admin may book for another player")


def check_may_open_venues(who: Caller) -> None:
    """Venue owners and admins open venues (the opener owns them)."""
    if not who.roles & {VENUE_OWNER, ADMIN}:
        raise PermissionDenied(f"this call needs the role {VENUE_OWNER} or {ADMIN}")


def check_may_see_booking(who: Caller, player_id: str, participant_ids: Sequence[str], owner_id: str) -> None:
    """A booking is seen by who booked it, who plays in it, and who manages its venue."""
    if who.user_id != player_id and who.user_id not in participant_ids and not may_manage(who, owner_id):
        # Not NotFound: the id is a random uuid, and a clear answer helps support.
        raise PermissionDenied("this booking is neither yours nor at your venue")


# What of a booking its venue's owner may change: where and when it is played, not who plays or
# what the player asked for.
OWNER_MAY_CHANGE = frozenset({"court_id", "start_time", "duration_minutes"})


def check_may_change_booking(who: Caller, player_id: str, owner_id: str, changes: Iterable[str]) -> None:
    """Who booked (or an admin) moves a booking or changes its players and requests; the venue's
    owner moves it (a court they retire lists its live bookings for them to move)."""
    if who.user_id == player_id or who.is_admin:
        return
    if who.user_id == owner_id:
        kept = sorted(set(changes) - OWNER_MAY_CHANGE)
        if not kept:
            return
        raise PermissionDenied(f"the venue's owner may move a booking, not change its {', '.join(kept)}")
    raise PermissionDenied("only the player who booked or the venue's owner may change this booking")


def canceller(who: Caller, player_id: str, owner_id: str) -> str:
    """Who cancels, as the policy sees it: "player" (who booked) or "venue" (its owner or an admin)."""
    if who.user_id == player_id:
        return "player"
    if may_manage(who, owner_id):
        return "venue"
    raise PermissionDenied("only the player who booked, the venue's owner or an admin may cancel")


def check_not_started(start: dt.datetime, now: dt.datetime, what: str) -> None:
    """A game being played (or over) is no longer the player's to cancel or move: they would get money
    back, or a second game, for one they played."""
    if now >= start:
        raise FailedPrecondition(f"the game has started: {what}", reason="GAME_STARTED")


def check_may_cancel(category: str, status: Status, start: dt.datetime, now: dt.datetime) -> None:
    """A confirmed game is the player's to cancel until it starts; the venue calls one off at any time
    (rain), and a booking never confirmed costs nothing whenever it goes."""
    transition(status, Status.CANCELLED)
    if category != "venue" and status == Status.CONFIRMED:
        check_not_started(start, now, "only the venue may call it off now")


# -- venue rules ------------------------------------------------------------------------------------

# What a new venue gets for each setting the owner leaves out.
VENUE_DEFAULTS: dict[str, Any] = {
    "address": "", "phone": "", "latitude": None, "longitude": None, "time_zone": DEFAULT_TIME_ZONE,
    "slot_minutes": 30, "durations_minutes": [60, 90, 120], "free_until_hours": 24, "late_fee_percent": 50,
    "horizon_days": 14, "instant_confirmation": True, "hold_minutes": 15, "max_live_bookings_per_day": 2,
    "base_hourly_price_paisa": 0, "active": True, "cancellation_grace_minutes": 10,
}


@dataclass(frozen=True)
class Opening:
    """One weekday's opening: minutes after local midnight; close <= open runs past midnight."""

    weekday: int  # ISO: 1 = Monday … 7 = Sunday
    open: int
    close: int

    @property
    def minutes(self) -> int:
        length = (self.close - self.open) % MINUTES_PER_DAY
        return length or MINUTES_PER_DAY  # open == close: open round the clock


@dataclass(frozen=True)
class PriceWindow:
    """An hourly price for a local time window on some weekdays; end <= start runs past midnight.

    A window belongs to the weekday it starts on, like an opening.
    """

    court_id: str | None  # None: every court of the venue
    weekdays: frozenset[int]  # empty: every day
    start: int
    end: int
    hourly_paisa: int
    rule_id: str = ""  # the price rule it comes from (what revenue by price rule groups by)


@dataclass(frozen=True)
class VenueRules:
    """Everything about a venue that decides what can be booked, when, and for how much."""

    time_zone: str
    openings: tuple[Opening, ...]
    slot_minutes: int = 30
    durations: tuple[int, ...] = (60, 90, 120)
    horizon_days: int = 14
    free_until_hours: int = 24
    late_fee_percent: int = 50
    instant: bool = True
    hold_minutes: int = 15
    max_live_bookings_per_day: int = 2
    base_hourly_paisa: int = 0
    grace_minutes: int = 10

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def parse_hhmm(value: str, field: str) -> int:
    """Minutes after midnight of "HH:MM"."""
    try:
        clock = dt.time.fromisoformat(value)
    except ValueError:
        raise InvalidArgument.field(field, "expected a local time HH:MM") from None
    if clock.second or clock.microsecond or len(value) != 5:
        raise InvalidArgument.field(field, "expected a local time HH:MM")
    return clock.hour * 60 + clock.minute


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument.field(field, "expected a date YYYY-MM-DD") from None


def check_time_zone(name: str, field: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidArgument.field(field, f"unknown time zone {name!r}; use an IANA name like Asia/Karachi") from None
    return name


def check_venue_rules(rules: VenueRules, prefix: str = "venue") -> VenueRules:
    """Cross-field checks the proto cannot express; raises InvalidArgument naming the field."""
    check_time_zone(rules.time_zone, f"{prefix}.time_zone")
    if not rules.openings:
        raise InvalidArgument.field(f"{prefix}.opening_hours", "give at least one weekday's opening")
    weekdays = [o.weekday for o in rules.openings]
    if len(set(weekdays)) != len(weekdays):
        raise InvalidArgument.field(f"{prefix}.opening_hours", "at most one opening per weekday")
    if not rules.durations:
        raise InvalidArgument.field(f"{prefix}.durations_minutes", "offer at least one duration")
    for duration in rules.durations:
        if duration % rules.slot_minutes:
            raise InvalidArgument.field(f"{prefix}.durations_minutes",
                                        f"{duration} is not a multiple of the {rules.slot_minutes}-minute grid")
    return rules


# -- opening hours and the grid ---------------------------------------------------------------------


def _local(day: dt.date, minutes: int, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=zone)


def opening_window(rules: VenueRules, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """The UTC [start, end) of the opening that starts on local `day`, or None when closed."""
    opening = next((o for o in rules.openings if o.weekday == day.isoweekday()), None)
    if opening is None:
        return None
    zone = rules.zone
    start = _local(day, opening.open, zone)
    end_day = day + dt.timedelta(days=1) if opening.open + opening.minutes >= MINUTES_PER_DAY else day
    end = _local(end_day, opening.close, zone)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


def opening_date_of(rules: VenueRules, start: dt.datetime) -> dt.date | None:
    """The local date whose opening contains `start` (yesterday's for play after midnight)."""
    local_day = start.astimezone(rules.zone).date()
    for day in (local_day, local_day - dt.timedelta(days=1)):
        window = opening_window(rules, day)
        if window and window[0] <= start < window[1]:
            return day
    return None


def local_span(rules: VenueRules, start: dt.datetime, end: dt.datetime) -> str:
    """A time range as the venue's people read it: "from 18:00 to 22:00 (Asia/Karachi)", with the
    local date when it is not the start's ("to 02:00 on 2026-12-08")."""
    zone = rules.zone
    first, last = start.astimezone(zone), end.astimezone(zone)
    until = last.strftime("%H:%M") if last.date() == first.date() else last.strftime("%H:%M on %Y-%m-%d")
    return f"from {first.strftime('%H:%M')} to {until} ({rules.time_zone})"


def local_clock(rules: VenueRules, moment: dt.datetime) -> str:
    """A moment as the venue's people read it: "2026-12-08 18:00 (Asia/Karachi)"."""
    return f"{moment.astimezone(rules.zone).strftime('%Y-%m-%d %H:%M')} ({rules.time_zone})"


def today(rules: VenueRules, now: dt.datetime) -> dt.date:
    return now.astimezone(rules.zone).date()


def check_duration(rules: VenueRules, duration: int, field: str = "duration_minutes") -> None:
    if duration not in rules.durations:
        offered = ", ".join(str(d) for d in sorted(rules.durations))
        raise InvalidArgument.field(field, f"{duration} minutes is not offered here; choose one of {offered}")


def check_near_horizon(horizon_days: int, start: dt.datetime, now: dt.datetime, field: str) -> None:
    """A start far beyond the horizon is refused before any calendar arithmetic, which fails near
    year 9999 (a day or two of slack: the horizon counts in the venue's local days)."""
    if start - now > dt.timedelta(days=horizon_days + 2):
        raise InvalidArgument.field(field, f"bookings open {horizon_days} days ahead")


def check_slot(rules: VenueRules, start: dt.datetime, duration: int, now: dt.datetime,
               *, start_field: str = "start_time", duration_field: str = "duration_minutes") -> dt.date:
    """Checks a wanted start and duration against the venue's rules; returns the opening date."""
    check_duration(rules, duration, duration_field)
    if start <= now:
        raise InvalidArgument.field(start_field, "is in the past")
    check_near_horizon(rules.horizon_days, start, now, start_field)  # the exact local-day check follows
    day = opening_date_of(rules, start)
    if day is None:
        local_day = start.astimezone(rules.zone).date()
        window = opening_window(rules, local_day)
        hours = f"open {local_span(rules, *window)} that day" if window else "closed that day"
        raise InvalidArgument.field(start_field, f"is outside the venue's opening hours: {hours}")
    window_start, window_end = opening_window(rules, day)
    if (start - window_start) % dt.timedelta(minutes=rules.slot_minutes):
        raise InvalidArgument.field(start_field, f"is not on the venue's {rules.slot_minutes}-minute grid")
    if start + dt.timedelta(minutes=duration) > window_end:
        raise InvalidArgument.field(duration_field, "the game would end after closing time "
                                    f"({local_clock(rules, window_end)})")
    if day > today(rules, now) + dt.timedelta(days=rules.horizon_days):
        raise InvalidArgument.field(start_field, f"bookings open {rules.horizon_days} days ahead")
    return day


def candidate_starts(rules: VenueRules, day: dt.date, duration: int, now: dt.datetime) -> list[dt.datetime]:
    """Every grid start of `day`'s opening that fits `duration`, is in the future and in the horizon."""
    if day > today(rules, now) + dt.timedelta(days=rules.horizon_days):
        return []
    window = opening_window(rules, day)
    if window is None:
        return []
    start, end = window
    step, length = dt.timedelta(minutes=rules.slot_minutes), dt.timedelta(minutes=duration)
    starts = []
    while start + length <= end:
        if start > now:
            starts.append(start)
        start += step
    return starts


Interval = tuple[dt.datetime, dt.datetime]


class Slot(NamedTuple):
    """A game that can be booked: its start and end, and its price in paisa."""

    start: dt.datetime
    end: dt.datetime
    price_paisa: int


def overlaps(a: Interval, b: Interval) -> bool:
    """Half-open intervals [start, end) overlap (back-to-back games do not)."""
    return a[0] < b[1] and b[0] < a[1]


def free_starts(starts: Iterable[dt.datetime], duration: int, busy: Sequence[Interval]) -> list[dt.datetime]:
    """The starts whose game would not overlap a live booking or a closure."""
    length = dt.timedelta(minutes=duration)
    return [s for s in starts if not any(overlaps((s, s + length), b) for b in busy)]


# -- prices -------------------------------------------------------------------------------------------


def _day_rates(base: Any, windows: Sequence[PriceWindow], court_id: str, weekday: int,
               of: Callable[[PriceWindow], Any]) -> list:
    """The hourly price (or another value `of` each window: its rule) in force at each of the 1440
    local minutes of a day with ISO `weekday`; `base` outside every window.

    Painted from the weakest rule to the strongest: the base price, then the venue-wide rules,
    then this court's own rules, each list from its last rule to its first (the first listed wins).
    """
    rates = [base] * MINUTES_PER_DAY
    yesterday = 7 if weekday == 1 else weekday - 1
    venue_wide = [w for w in windows if w.court_id is None]
    own = [w for w in windows if w.court_id == court_id]
    for window in [*reversed(venue_wide), *reversed(own)]:
        def on(day: int) -> bool:
            return not window.weekdays or day in window.weekdays

        price = of(window)
        if window.start < window.end:
            if on(weekday):
                rates[window.start:window.end] = [price] * (window.end - window.start)
            continue
        # Past midnight: the early morning belongs to yesterday's window, the evening to today's.
        if on(yesterday):
            rates[:window.end] = [price] * window.end
        if on(weekday):
            rates[window.start:] = [price] * (MINUTES_PER_DAY - window.start)
    return rates


def _hourly(window: PriceWindow) -> int:
    return window.hourly_paisa


def minute_rates(rules: VenueRules, windows: Sequence[PriceWindow], court_id: str,
                 start: dt.datetime, minutes: int, of: Callable[[PriceWindow], Any] | None = None) -> list:
    """The hourly price in force for each minute from `start` (or, with `of`, that value of the
    window in force, None for the base price): a rule for this court beats a rule for the whole
    venue, which beats the base price; among equals the first listed wins."""
    zone = rules.zone
    days: dict[int, list] = {}
    base, of = (rules.base_hourly_paisa, _hourly) if of is None else (None, of)

    def day_rates(weekday: int) -> list:
        if weekday not in days:
            days[weekday] = _day_rates(base, windows, court_id, weekday, of)
        return days[weekday]

    first = start.astimezone(zone)
    if first.utcoffset() != (start + minutes * ONE_MINUTE).astimezone(zone).utcoffset():
        # The clocks change inside the game: convert minute by minute.
        locals_ = ((start + i * ONE_MINUTE).astimezone(zone) for i in range(minutes))
        return [day_rates(t.isoweekday())[t.hour * 60 + t.minute] for t in locals_]
    # Local wall time advances with UTC: copy whole runs of each local day's table.
    rates: list[int] = []
    day, minute = first.date(), first.hour * 60 + first.minute
    while len(rates) < minutes:
        take = min(minutes - len(rates), MINUTES_PER_DAY - minute)
        rates += day_rates(day.isoweekday())[minute:minute + take]
        day, minute = day + dt.timedelta(days=1), 0
    return rates


def price_from_rates(rates: Sequence[int]) -> int:
    """Sum of per-minute shares of hourly prices, rounded half up to whole paisa."""
    return (sum(rates) + 30) // 60


def price_of(rules: VenueRules, windows: Sequence[PriceWindow], court_id: str,
             start: dt.datetime, duration: int) -> int:
    """The price of one game, minute by minute across price windows."""
    return price_from_rates(minute_rates(rules, windows, court_id, start, duration))


def pricing_rule(rules: VenueRules, windows: Sequence[PriceWindow], court_id: str,
                 start: dt.datetime, duration: int) -> str | None:
    """The price rule that priced most of the game's minutes (on a tie, the earlier one); None
    when the base price did."""
    minutes = Counter(minute_rates(rules, windows, court_id, start, duration, of=lambda w: w.rule_id or None))
    return minutes.most_common(1)[0][0] if minutes else None


class DayPrices:
    """Prices of many games in one span (a day's availability) from one pass over its minutes."""

    def __init__(self, rules: VenueRules, windows: Sequence[PriceWindow], court_id: str,
                 span: Interval):
        self.origin = span[0]
        minutes = int((span[1] - span[0]) / ONE_MINUTE)
        self.totals = [0, *accumulate(minute_rates(rules, windows, court_id, span[0], minutes))]

    def price(self, start: dt.datetime, duration: int) -> int:
        first = int((start - self.origin) / ONE_MINUTE)
        return (self.totals[first + duration] - self.totals[first] + 30) // 60


def in_local_window(weekdays: frozenset[int], start: int, end: int, local: dt.datetime) -> bool:
    """Whether the local moment lies in a weekly window (minutes after midnight; end <= start runs past
    midnight and belongs to the weekday it starts on, as a price window does; empty weekdays: every day)."""
    weekday, minute = local.isoweekday(), local.hour * 60 + local.minute

    def on(day: int) -> bool:
        return not weekdays or day in weekdays

    if start < end:
        return on(weekday) and start <= minute < end
    return (on(weekday) and minute >= start) or (on(7 if weekday == 1 else weekday - 1) and minute < end)


@dataclass(frozen=True)
class MemberHours:
    """A members-only window: games starting in it are the members' until `opens_to_all` before them."""

    court_id: str | None  # None: every court of the venue
    weekdays: frozenset[int]
    start: int
    end: int
    opens_to_all: dt.timedelta


class SlotAccess(NamedTuple):
    """Who may book a start: members only until `opens_to_all_at` (None: anyone, any time), and
    whether the caller is kept out now (`closed`: members-only and not a member)."""

    opens_to_all_at: dt.datetime | None
    closed: bool


def slot_access(rules: VenueRules, hours: Sequence[MemberHours], court_id: str, start: dt.datetime,
                now: dt.datetime, member: bool) -> SlotAccess:
    """The one rule of members-only hours, for availability and booking alike: a start in a window
    (the first listed that covers it) is the members' until `opens_to_all` before it; after that, or
    outside every window, anyone's."""
    local = start.astimezone(rules.zone)
    for window in hours:
        if window.court_id in (None, court_id) and in_local_window(window.weekdays, window.start, window.end, local):
            opens = start - window.opens_to_all
            if now < opens:
                return SlotAccess(opens, not member)
            break
    return SlotAccess(None, False)


def check_member_hours(rules: VenueRules, hours: Sequence[MemberHours], court_id: str, start: dt.datetime,
                       now: dt.datetime, member: bool) -> None:
    """A non-member books a start in members-only hours only once it has opened to everyone."""
    access = slot_access(rules, hours, court_id, start, now, member)
    if access.closed:
        raise FailedPrecondition(f"this time is for the venue's members until "
                                 f"{local_clock(rules, access.opens_to_all_at)}; it opens to everyone then",
                                 reason="MEMBERS_ONLY")


SUMMARY_WEEKDAY, SUMMARY_TIME = 1, dt.time(8, 0)  # the owner's weekly summary: Monday 08:00, the venue's time


def summary_week(now: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The Monday of the last week whose summary is due at `now` in `zone`: last week from Monday
    08:00 local on, the week before until then."""
    local = now.astimezone(zone)
    monday = local.date() - dt.timedelta(days=local.isoweekday() - SUMMARY_WEEKDAY)
    due = dt.datetime.combine(monday, SUMMARY_TIME, tzinfo=zone)
    return monday - dt.timedelta(days=7 if local >= due else 14)


def percent_of(amount: int, percent: int) -> int:
    """`percent` % of `amount` paisa, rounded half up."""
    return (amount * percent + 50) // 100


def free_until(rules: VenueRules, start: dt.datetime, booked_at: dt.datetime | None) -> dt.datetime:
    """The last moment a player cancels for free: `free_until_hours` before the start, or the end of
    the grace period after booking (`grace_minutes`), whichever is later."""
    by_policy = start - dt.timedelta(hours=rules.free_until_hours)
    if booked_at is None:
        return by_policy
    return max(by_policy, min(start, booked_at + dt.timedelta(minutes=rules.grace_minutes)))


def is_late(rules: VenueRules, start: dt.datetime, now: dt.datetime, status: Status,
            booked_at: dt.datetime | None = None) -> bool:
    """Whether cancelling a game now, or leaving it (`booked_at`: when the player joined), is late by
    the venue's policy: a game confirmed, past `free_until`."""
    return status != Status.PENDING and now > free_until(rules, start, booked_at)


def cancellation_charge(rules: VenueRules, price: int, start: dt.datetime, now: dt.datetime,
                        *, by_venue: bool, status: Status, booked_at: dt.datetime | None = None) -> tuple[int, int]:
    """(fee, refund) for cancelling now. Free until `free_until` (the policy's hours before the start,
    or the grace period after booking); later, the late fee percent. A venue calling a game off, or a
    booking never confirmed, costs nothing."""
    free = by_venue or not is_late(rules, start, now, status, booked_at)
    fee = 0 if free else percent_of(price, rules.late_fee_percent)
    return fee, price - fee


@dataclass(frozen=True)
class CancellationQuote:
    """What cancelling now would cost: the fee, the last free moment if it is
    still ahead, and the sentence the player reads."""

    fee_paisa: int
    free_until: dt.datetime | None
    note: str
    due_at_venue: bool


def quote_cancellation(rules: VenueRules, price: int, start: dt.datetime, booked_at: dt.datetime,
                       now: dt.datetime, *, by_venue: bool, status: Status, at_venue: bool) -> CancellationQuote:
    """`at_venue`: the booking is paid at the venue, so a fee is due there."""
    fee, _refund = cancellation_charge(rules, price, start, now, by_venue=by_venue, status=status,
                                       booked_at=booked_at)
    until = free_until(rules, start, booked_at)
    ahead = until if now <= until else None
    due_at_venue = bool(fee) and at_venue
    return CancellationQuote(fee, ahead, cancellation_note(fee, ahead, rules, due_at_venue), due_at_venue)


def rupees(paisa: int) -> str:
    """Paisa as people write rupees: "Rs 1,500" (or "Rs 1,500.50")."""
    whole, cents = divmod(paisa, 100)
    return f"Rs {whole:,}" + (f".{cents:02d}" if cents else "")


def cancellation_note(fee: int, free_until_ahead: dt.datetime | None, rules: VenueRules,
                      due_at_venue: bool) -> str:
    """What the player reads before cancelling: the fee, and that it is due at the venue when the
    booking is paid there (paid online, payment_svc keeps it back of the money and its receipt says so)."""
    if fee:
        return f"Cancelling now costs {rupees(fee)}, " + (
            "fee due at the venue" if due_at_venue else "the venue's late-cancellation fee")
    if free_until_ahead is not None:
        return f"Cancelling now is free (until {local_clock(rules, free_until_ahead)})"
    return "Cancelling now is free"


MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _week_spans(window: PriceWindow) -> list[tuple[int, int]]:
    """The minutes of the week (Monday 00:00 = 0) a window covers, as [start, end) spans; a window past
    midnight on Sunday runs into Monday morning."""
    spans = []
    for weekday in sorted(window.weekdays) or range(1, 8):
        first = (weekday - 1) * MINUTES_PER_DAY + window.start
        length = (window.end - window.start) % MINUTES_PER_DAY or MINUTES_PER_DAY
        last = first + length
        spans += [(first, min(last, MINUTES_PER_WEEK))] + ([(0, last - MINUTES_PER_WEEK)]
                                                           if last > MINUTES_PER_WEEK else [])
    return spans


def _first_shared_minute(a: PriceWindow, b: PriceWindow) -> int | None:
    shared = [max(x[0], y[0]) for x in _week_spans(a) for y in _week_spans(b) if x[0] < y[1] and y[0] < x[1]]
    return min(shared) if shared else None


def check_price_windows_apart(windows: Sequence[PriceWindow], field: str = "rules") -> None:
    """Two rules for the same court (or both for the whole venue) may not price the same minute: the
    owner must say which price holds. A court's own rule may still cover a venue-wide one: it is that
    court's exception."""
    for j, later in enumerate(windows):
        for i, earlier in enumerate(windows[:j]):
            if earlier.court_id != later.court_id:
                continue
            minute = _first_shared_minute(earlier, later)
            if minute is not None:
                day, clock = divmod(minute, MINUTES_PER_DAY)
                raise InvalidArgument.field(
                    f"{field}[{j}]", f"overlaps {field}[{i}] on {WEEKDAY_NAMES[day]} from {format_hhmm(clock)}; "
                    "price rules of the same court may not overlap")


def check_daily_limit(rules: VenueRules, live_that_day: int) -> None:
    """Fair access: a player holds at most N live bookings per opening day at a venue."""
    if live_that_day >= rules.max_live_bookings_per_day:
        raise FailedPrecondition(
            f"you already hold {live_that_day} bookings that day here; the venue allows "
            f"{rules.max_live_bookings_per_day} per player per day", reason="DAILY_LIMIT")


def check_unpaid_holds(limit: int, unpaid: int) -> None:
    """Fair access: a player holds at most `limit` bookings awaiting online payment at once, across
    the platform; paying for one, or its hold running out, makes room."""
    if unpaid >= limit:
        raise FailedPrecondition(
            f"you already hold {unpaid} bookings awaiting payment; pay for one or let its hold run out "
            f"before booking another (at most {limit} at once)", reason="UNPAID_HOLDS_LIMIT")


def check_participants(player_id: str, participant_ids: Sequence[str], field: str = "participant_ids") -> None:
    if player_id in participant_ids:
        raise InvalidArgument.field(field, "list the other players; the booker plays anyway")


def check_booked_alone(caller_id: str, player_id: str, participant_ids: Sequence[str]) -> None:
    """A booking the venue's owner makes for a customer names no other players: whom the customer
    plays with is theirs to choose (UpdateBooking's participant_ids), under their own blocks, which
    user_svc tells only the two players concerned, never the owner."""
    if player_id != caller_id and participant_ids:
        raise InvalidArgument.field("participant_ids", "a booking for a customer is made for them alone: "
                                    "the customer invites the other players to it")


def answer_invitation(current: InvitationState, target: InvitationState) -> InvitationState:
    """An invited player accepts or declines; a declined seat is the booker's to offer again."""
    if current is InvitationState.DECLINED and target is InvitationState.ACCEPTED:
        raise FailedPrecondition("you declined this invitation; the booker can invite you again",
                                 reason="INVITATION_DECLINED")
    return target


def invitation_changes(before: Sequence[str], after: Sequence[str]) -> tuple[list[str], list[str]]:
    """(added, removed) invited players between two lists, each in its list's order; a reordered
    list changes nobody's invitation."""
    added = [p for p in dict.fromkeys(after) if p not in before]
    removed = [p for p in dict.fromkeys(before) if p not in after]
    return added, removed


def request_fingerprint(court_id: str, start: dt.datetime, duration: int,
                        participant_ids: Sequence[str], special_requests: str) -> str:
    """What makes two Book requests "the same body" for an idempotency key."""
    body = json.dumps([court_id, start.astimezone(dt.timezone.utc).isoformat(), duration,
                       sorted(participant_ids), special_requests])
    return hashlib.sha256(body.encode()).hexdigest()


EARTH_RADIUS_KM = 6371.0088
# A search near a point without a radius keeps the venues this close.
DEFAULT_RADIUS_KM = 25.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def haversine_within(radius_km: float) -> float:
    """The largest haversine term (the `h` of `distance_km`) of two points at most `radius_km` apart:
    distance grows with `h`, so a database sorts and filters by `h` without an arcsine."""
    return math.sin(min(radius_km / (2 * EARTH_RADIUS_KM), math.pi / 2)) ** 2


# -- reviews ------------------------------------------------------------------------------------------


def check_may_review(who: Caller, player_id: str, participant_ids: Sequence[str], status: Status,
                     owner_id: str) -> None:
    """Only the players of a game (who booked it, who played in it) review it, once it was played;
    never the venue's owner, whose games on their own courts cost them nothing."""
    if who.user_id != player_id and who.user_id not in participant_ids:
        raise PermissionDenied("only the players of this game may review it")
    if who.user_id == owner_id:
        raise PermissionDenied("an owner does not review their own venue")
    if status is not Status.COMPLETED:
        raise FailedPrecondition("a game is reviewed once it has been played")


def check_may_hide_reviews(who: Caller) -> None:
    if not who.is_admin:
        raise PermissionDenied("only an admin may hide a review")
