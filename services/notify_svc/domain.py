"""notify's rules: who may do what, who gets which message on which channel and when, and how an
address or a provider's error is shown.

Pure: no SQL, no grpc, no generated code, no I/O. Times are aware UTC datetimes; quiet hours and
message texts use the recipient's or the venue's zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mesh.caller import Caller
from mesh.errors import InvalidArgument, NotFound, PermissionDenied
from mesh.settings import DEFAULT_TIME_ZONE
from notify_svc.templates import EMAIL, IN_APP, KINDS, PUSH

FREE_KIND = "message"  # the kind of a free (untemplated) message sent by an admin
SOMEONE = "A player"  # the name told when a player has no display name
EXPIRED = "expired"  # booking_svc's cancellation reason when a pending booking's hold ran out
MASKED = "***"


# -- who may act ----------------------------------------------------------------------------------


def check_admin(caller: Caller) -> None:
    """Sending by hand, editing templates and reading the delivery log are for admins."""
    if not caller.is_admin:
        raise PermissionDenied("this call needs the role admin")


def check_own(caller: Caller, owner_id: str | None, what: str) -> None:
    """Only its owner reads or changes their inbox message or device. Someone else's is as good as
    absent (`owner_id` None): a 403 would confirm that it exists."""
    if owner_id is None or owner_id != caller.user_id:
        raise NotFound(f"no such {what} of yours")


def check_inbox_owner(caller: Caller, owner_id: str | None) -> None:
    check_own(caller, owner_id, "inbox message")


# -- calendar feeds -------------------------------------------------------------------------------

FEED_SUFFIX = ".ics"


def feed_token(file_name: str) -> str:
    """The secret token a feed's file name ("<token>.ics") carries."""
    return file_name.removesuffix(FEED_SUFFIX)


def feed_token_hash(token: str) -> str:
    """What is kept of a feed's token: enough to recognise it, useless to whoever reads the table."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_feed(owner_id: str | None) -> None:
    """An unknown or rotated feed URL is simply not there."""
    if owner_id is None:
        raise NotFound("no such calendar feed; make a new one with RotateCalendarFeed")


# -- facts carried by events ----------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def local_text(at: dt.datetime, zone: str) -> dict[str, str]:
    local = at.astimezone(_zone(zone))
    return {"date": local.strftime("%a %d %b %Y"), "time": local.strftime("%H:%M"),
            "stamp": local.strftime("%d %b %Y %H:%M %Z")}


def money_text(amount_paisa: int, currency: str) -> str:
    """"Rs 4,500" for 450000 paisa, as Pakistani apps and booking_svc's texts write rupees (another
    currency by its code: "USD 12.50"); paisa are shown only when there are some."""
    whole, paisa = divmod(amount_paisa, 100)
    unit = "Rs" if currency in ("", "PKR") else currency
    return f"{unit} {whole:,}" + (f".{paisa:02d}" if paisa else "")


@dataclass(frozen=True)
class Money:
    """An amount in paisa as events carry it (converted from protobuf in convert.py)."""

    amount_paisa: int
    currency: str = ""

    def text(self) -> str:
        return money_text(self.amount_paisa, self.currency)


def charge_variables(fee: Money, refund: Money, due_at_venue: bool = False) -> dict[str, str]:
    """A cancellation's cost for its message: "fee" ("" when free), "fee_due_at_venue" ("yes" when the
    booking was paid at the venue, else ""); "refund" (the price less the fee) only for templates
    saved before "fee", since a booking paid at the venue refunds nothing."""
    return {"fee": fee.text() if fee.amount_paisa else "", "fee_due_at_venue": "yes" if due_at_venue else "",
            "refund": refund.text()}


@dataclass(frozen=True)
class Membership:
    """What a membership event says about the membership (converted from protobuf in convert.py)."""

    player_id: str
    venue_name: str
    plan_name: str
    price: Money
    state: str
    paid_until: dt.datetime
    grace_ends_at: dt.datetime
    time_zone: str
    # The renewal's online payment still due (payment_svc's bill), if any: the reminder's pay link.
    bill_id: str = ""


@dataclass(frozen=True)
class Booking:
    """What a booking event says about the booking (converted from protobuf in convert.py)."""

    booking_id: str
    player_id: str
    venue_name: str
    court_name: str
    start_time: dt.datetime
    end_time: dt.datetime
    time_zone: str
    price_paisa: int
    currency: str
    confirmed: bool
    participant_ids: tuple[str, ...] = ()  # invited players, never the player who booked
    venue_address: str = ""  # "" when the venue gave none
    venue_phone: str = ""
    venue_owner_id: str = ""  # who is told of bookings at the venue; "" from an older sender
    player_name: str = ""
    player_phone: str = ""
    special_requests: str = ""
    hold_expires_at: dt.datetime | None = None  # None while booking_svc's snapshot does not carry it
    # Set while the booking only holds a slot offered to a waiting player: never a booking to tell of.
    waitlist_offer_id: str = ""
    # Set when the booking holds a court for an open match: a booking to tell of once the match books it.
    match_id: str = ""

    def variables(self) -> dict[str, str]:
        start, end = local_text(self.start_time, self.time_zone), local_text(self.end_time, self.time_zone)
        return {"venue_name": self.venue_name, "court_name": self.court_name, "date": start["date"],
                "start_time": start["time"], "end_time": end["time"], "booking_id": self.booking_id,
                "price": money_text(self.price_paisa, self.currency), "venue_address": self.venue_address,
                "venue_phone": self.venue_phone}

    def owner_variables(self) -> dict[str, str]:
        """What the venue owner reads: the booking, who booked it and how to call them."""
        hold = local_text(self.hold_expires_at, self.time_zone)["stamp"] if self.hold_expires_at else ""
        return {**self.variables(), "player_name": self.player_name or SOMEONE, "player_phone": self.player_phone,
                "special_requests": self.special_requests, "hold_expires_at": hold}

    def owner_to_tell(self) -> str:
        """The venue owner to tell about this booking; "" when unknown or when the owner booked it
        themselves (they hear about it as its player, once)."""
        return self.venue_owner_id if self.venue_owner_id != self.player_id else ""


@dataclass(frozen=True)
class Series:
    """What a series event says about a recurring series and its games (converted in convert.py)."""

    series_id: str
    player_id: str
    venue_owner_id: str
    venue_name: str
    court_name: str
    time_zone: str
    starts: tuple[dt.datetime, ...]  # the games booked or cancelled, in order
    player_name: str = ""
    player_phone: str = ""

    def variables(self) -> dict[str, str]:
        """The games as one list of dates ("Mon 07 Dec 2026 18:00, Mon 14 Dec 2026 18:00")."""
        dates = [local_text(start, self.time_zone) for start in self.starts]
        return {"venue_name": self.venue_name, "court_name": self.court_name, "games": str(len(self.starts)),
                "dates": ", ".join(f"{d['date']} {d['time']}" for d in dates)}

    def owner_variables(self) -> dict[str, str]:
        return {**self.variables(), "player_name": self.player_name or SOMEONE, "player_phone": self.player_phone}

    def owner_to_tell(self) -> str:
        """The venue owner to tell; "" when unknown or when the owner booked it themselves."""
        return self.venue_owner_id if self.venue_owner_id != self.player_id else ""


@dataclass(frozen=True)
class WeeklySummary:
    """A venue's week in headline numbers, for its owner (booking_svc's VenueWeeklySummary)."""

    venue_owner_id: str
    venue_name: str
    week_start: str  # YYYY-MM-DD
    week_end: str
    bookings: int
    occupancy: float  # 0 to 1
    revenue: Money
    no_show_rate: float
    new_players: int
    rating_average: float
    rating_count: int

    def variables(self) -> dict[str, str]:
        def day(iso: str) -> str:
            return dt.date.fromisoformat(iso).strftime("%a %d %b %Y") if iso else ""

        rating = f"{self.rating_average:.1f} of 5 ({self.rating_count})" if self.rating_count else "no reviews yet"
        return {"venue_name": self.venue_name, "week_start": day(self.week_start), "week_end": day(self.week_end),
                "bookings": str(self.bookings), "occupancy": f"{self.occupancy:.0%}", "revenue": self.revenue.text(),
                "no_show_rate": f"{self.no_show_rate:.0%}", "new_players": str(self.new_players), "rating": rating}


@dataclass(frozen=True)
class Match:
    """What a match event says about an open match (converted from protobuf in convert.py)."""

    match_id: str
    venue_name: str
    court_name: str
    start_time: dt.datetime
    time_zone: str
    player_ids: tuple[str, ...]  # seated after the event
    free_places: int

    def variables(self) -> dict[str, str]:
        start = local_text(self.start_time, self.time_zone)
        return {"venue_name": self.venue_name, "court_name": self.court_name, "date": start["date"],
                "start_time": start["time"], "match_id": self.match_id, "free_places": str(self.free_places)}


def level_text(level: float) -> str:
    """A level as players read it: "3.25"."""
    return f"{level:.2f}"


def score_text(sets: list[tuple[int, int]]) -> str:
    """A result as players read it: "6-4, 3-6, 7-5"."""
    return ", ".join(f"{a}-{b}" for a, b in sets)


@dataclass(frozen=True)
class Contact:
    """Contact details from auth's events; empty fields leave what is stored."""

    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class Preferences:
    """A user's notification preferences from user_svc, as channel and family names."""

    language: str
    channels: list[str]
    kinds: list[str]
    quiet_hours_start: str
    quiet_hours_end: str
    time_zone: str


@dataclass
class Rendered:
    subject: str
    body: str
    html: bool = False


# -- who gets what, where and when ----------------------------------------------------------------


class Reachable(Protocol):
    """What the rules read of a recipient (a `store.Recipient`)."""

    user_id: str
    email: str
    phone: str
    channels: str  # comma-separated names, e.g. "email,sms"
    kinds: str  # comma-separated families, e.g. "booking_confirmations,reminders"


def _split(names: str) -> list[str]:
    return [name for name in names.split(",") if name]


def channels_for(recipient: Reachable, kind: str) -> list[str]:
    """The channels a message of `kind` goes out on: security by email only, whatever the
    preferences; others on the recipient's channels plus the in-app inbox, if they want the kind
    or it is essential (a cancellation or a move is sent whatever kinds they switched off)."""
    spec = KINDS.get(kind)
    if spec is not None and spec.urgent:
        return [EMAIL]
    if spec is not None and not spec.essential and spec.family not in _split(recipient.kinds):
        return []
    return [*_split(recipient.channels), IN_APP]


def addresses(recipient: Reachable, channel: str, devices: list[str]) -> list[str]:
    """Where `channel` reaches the recipient: push each of their `devices` (FCM tokens), the other
    channels one address; empty when it cannot."""
    if channel == PUSH:
        return [token for token in devices if token]
    found = {"email": recipient.email, "sms": recipient.phone, "whatsapp": recipient.phone,
             "in_app": recipient.user_id}.get(channel, "")
    return [found] if found else []


def free_message(kind: str, variables: dict[str, str], subject: str, body: str) -> Rendered | None:
    """What an admin asked to send: a free message (returned as written), or None for a message of a
    known `kind` given every variable it needs but the first name, which notify knows."""
    if kind:
        if kind not in KINDS:
            raise InvalidArgument.field("kind", f"unknown kind; one of {', '.join(sorted(KINDS))}")
        missing = KINDS[kind].variables - {"first_name"} - variables.keys()
        if missing:
            raise InvalidArgument.field("variables", f"{kind} needs {', '.join(sorted(missing))}")
        return None
    if not body.strip():
        raise InvalidArgument.field("body", "a message without a kind needs a body")
    return Rendered(subject, body)


def _clock(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def quiet_until(start: str, end: str, zone: str, at: dt.datetime) -> dt.datetime | None:
    """When the quiet hours around `at` end (UTC), or None when `at` is not in quiet hours.

    `start`/`end` are local HH:MM; a window like 22:00–07:00 runs past midnight.
    """
    begin, finish = _clock(start), _clock(end)
    if begin is None or finish is None or begin == finish:
        return None
    tz = _zone(zone)
    local = at.astimezone(tz)
    moment = local.time().replace(tzinfo=None)
    if begin < finish:
        quiet, ends_on = begin <= moment < finish, local.date()
    elif moment >= begin:
        quiet, ends_on = True, local.date() + dt.timedelta(days=1)
    else:
        quiet, ends_on = moment < finish, local.date()
    if not quiet:
        return None
    return dt.datetime.combine(ends_on, finish, tzinfo=tz).astimezone(dt.timezone.utc)


def backoff_seconds(attempts: int, base: float, ceiling: float) -> float:
    """Wait before try `attempts + 1`: base, 2·base, 4·base, … up to `ceiling`."""
    return min(base * 2 ** max(attempts - 1, 0), ceiling)


# -- what the log shows ---------------------------------------------------------------------------


def mask(value: str) -> str:
    """An address as the delivery log shows it: enough to recognise, not enough to harvest. At most
    half of an email's name (two letters) shows; of a phone number, device token or user id the
    first four and last two characters; an address masked already (a forgotten one) stays as it is."""
    if MASKED in value:
        return value
    if "@" in value:
        name, domain = value.split("@", 1)
        return f"{name[:min(2, len(name) // 2)]}{MASKED}@{domain}"
    return f"{value[:4]}{MASKED}{value[-2:]}" if len(value) > 8 else MASKED


def without_address(text: str, address: str) -> str:
    """A provider's error text with the recipient's address masked (SMS providers echo the number,
    with or without its "+"), so the delivery log and the service log show only masked addresses."""
    for form in dict.fromkeys((address, address.lstrip("+"))):
        if len(form) > 3:
            text = text.replace(form, mask(address))
    return text


def without_values(text: str, variables: dict[str, str]) -> str:
    """A template's failure with the values it was rendered with masked out (a security link's token
    has no place in the log)."""
    for value in sorted(variables.values(), key=len, reverse=True):
        if len(value) > 3:
            text = text.replace(value, MASKED)
    return text
