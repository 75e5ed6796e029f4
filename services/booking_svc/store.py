"""booking_svc's tables and queries (SQLAlchemy 2): venues, courts, closures, price rules, bookings.

Queries take the caller's session and flush at most; lists are pages of `mesh.pager`, paged in SQL.

The no-double-booking invariant lives in the database (see migration 0002): an exclusion
constraint on PostgreSQL, triggers on SQLite. `is_slot_taken` recognises either refusal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import zlib
from typing import NamedTuple, Sequence

from sqlalchemy import (JSON, BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String,
                        UniqueConstraint, and_, bindparam, case, cast, delete, exc, exists, func, or_, select, text,
                        true, type_coerce, Row, Subquery, union_all, update)
from sqlalchemy.orm import (DeclarativeBase, Mapped, Session, aliased, mapped_column, query_expression,
                            relationship, with_expression)

from booking_svc.domain import LIVE, InvitationState, Status
from mesh import pager
from mesh.db import UnitOfWork, rows_of
from mesh.sqltypes import UtcDateTime

SLOT_TAKEN_SQLITE = "court slot taken"
EXCLUSION_VIOLATION = "23P01"


class Base(DeclarativeBase):
    pass


class Venue(Base):
    __tablename__ = "venues"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(60))
    # Lower-cased city: searches by city are case-insensitive and use the index.
    city_key: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    # +92 and 10 digits, or "" (migration 0012).
    phone: Mapped[str] = mapped_column(String(16), default="", server_default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    time_zone: Mapped[str] = mapped_column(String(64))
    # [{"weekday": 1, "open": "18:00", "close": "03:00"}, ...]
    opening_hours: Mapped[list] = mapped_column(JSON)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    durations_minutes: Mapped[list] = mapped_column(JSON)
    free_until_hours: Mapped[int] = mapped_column(Integer)
    late_fee_percent: Mapped[int] = mapped_column(Integer)
    horizon_days: Mapped[int] = mapped_column(Integer)
    instant_confirmation: Mapped[bool] = mapped_column(Boolean)
    hold_minutes: Mapped[int] = mapped_column(Integer)
    max_live_bookings_per_day: Mapped[int] = mapped_column(Integer)
    # Minutes after booking in which cancelling is free, whatever the start (migration 0004).
    cancellation_grace_minutes: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    base_hourly_price_paisa: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Paid at the venue (payment_svc's VenuePaymentChanged; its default): a cancellation fee is due
    # there (migration 0016).
    paid_at_venue: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # Raised by every change to the venue's settings, courts or prices (`bump_setup_version`).
    setup_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Members-only hours: [{"court_id": None, "weekdays": [5], "start": "18:00", "end": "22:00",
    # "opens_to_all_minutes": 1440}, ...] (migration 0017).
    member_hours: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # Filled only by a search near a point: the haversine term of the distance (see `venues_near`).
    nearness: Mapped[float | None] = query_expression()
    # Filled by the venue lists: the average and count of the visible reviews (see `_rated`).
    rating: Mapped[float | None] = query_expression()
    rating_count: Mapped[int | None] = query_expression()


class Court(Base):
    __tablename__ = "courts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    environment: Mapped[int] = mapped_column(Integer, default=0)  # padel.booking.v1.CourtEnvironment
    surface: Mapped[int] = mapped_column(Integer, default=0)  # padel.booking.v1.CourtSurface
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # When it was retired (not active); None for a court retired before this was kept.
    retired_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Closure(Base):
    __tablename__ = "closures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"))
    court_id: Mapped[str] = mapped_column(ForeignKey("courts.id"))
    start_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    end_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    reason: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (Index("ix_closures_court_time", "court_id", "start_time"),)


class PriceRule(Base):
    __tablename__ = "price_rules"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"), index=True)
    court_id: Mapped[str | None] = mapped_column(ForeignKey("courts.id"))
    position: Mapped[int] = mapped_column(Integer)  # the order the owner gave; the first match wins
    weekdays: Mapped[list] = mapped_column(JSON)  # ISO weekdays; [] = every day
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    hourly_price_paisa: Mapped[int] = mapped_column(BigInteger)


class Player(Base):
    """A player as auth announced them (UserRegistered): what the venue's staff need to reach them."""

    __tablename__ = "players"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32))


class ClosedPlayer(Base):
    """An account deleted (auth's AccountDeleted; migration 0025), by its id alone: a match event sent
    before match_svc heard of it does not seat the person again."""

    __tablename__ = "closed_players"

    player_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    closed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Invitation(Base):
    """One invited player of a booking and their answer; a declined player is off the booking's
    participant_ids but keeps their row, so the booker sees the answer."""

    __tablename__ = "invitations"

    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), primary_key=True)
    player_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    invited_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # The open match whose seat added this player (migration 0015): leaving it takes them off again.
    match_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_invitations_player", "player_id", "state"),)

    @property
    def answer(self) -> InvitationState:
        return InvitationState(self.state)


class Booking(Base):
    __tablename__ = "bookings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"))
    court_id: Mapped[str] = mapped_column(ForeignKey("courts.id"))
    player_id: Mapped[str] = mapped_column(String(36))
    participant_ids: Mapped[list] = mapped_column(JSON, default=list)
    start_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    end_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The local date whose opening the game belongs to (the day before, for play after midnight).
    opening_date: Mapped[dt.date] = mapped_column(Date)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    price_paisa: Mapped[int] = mapped_column(BigInteger)
    commission_percent: Mapped[int] = mapped_column(Integer)
    commission_paisa: Mapped[int] = mapped_column(BigInteger)
    special_requests: Mapped[str] = mapped_column(String(500), default="")
    hold_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    cancelled_by: Mapped[str | None] = mapped_column(String(36))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    cancellation_fee_paisa: Mapped[int | None] = mapped_column(BigInteger)
    # The platform's commission on the fee (payments keeps it from the fee): the venue nets the rest.
    cancellation_commission_paisa: Mapped[int | None] = mapped_column(BigInteger)
    refund_paisa: Mapped[int | None] = mapped_column(BigInteger)
    # Whether the venue was paid at the venue when this was booked (later bookings follow a new mode).
    paid_at_venue: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The court's price before member prices, and [[player_id, paisa], ...]: each player's share of
    # price_paisa, the booker first (migration 0017; None on older bookings: equal shares).
    court_price_paisa: Mapped[int | None] = mapped_column(BigInteger)
    player_prices: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The price rule that priced most of the game's minutes (None: the base price), migration 0011.
    price_rule_id: Mapped[str | None] = mapped_column(String(36))
    # The waitlist offer this booking holds the slot for, until the player accepts (migration 0011).
    waitlist_offer_id: Mapped[str | None] = mapped_column(String(36))
    # The open match this booking holds the court for (migration 0013): only its events book or release it.
    match_id: Mapped[str | None] = mapped_column(String(36))
    # A match hold's term once match_svc says its match opened (MatchOpened, migration 0023); set while
    # that has not been heard, when the hold runs out minutes after it was made.
    match_hold_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # Loaded with the bookings in one more query per list (every booking shown carries its answers).
    invitations: Mapped[list[Invitation]] = relationship(
        lazy="selectin", order_by=Invitation.invited_at, cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("player_id", "idempotency_key", name="uq_bookings_player_idempotency_key"),
        Index("ix_bookings_court_start", "court_id", "start_time"),
        Index("ix_bookings_player_start", "player_id", "start_time"),
        Index("ix_bookings_venue_opening_date", "venue_id", "opening_date"),
        Index("ix_bookings_status_end", "status", "end_time"),
        Index("uq_bookings_match_id", "match_id", unique=True),
    )

    @property
    def state(self) -> Status:
        return Status(self.status)


@dataclasses.dataclass
class VenueView:
    """A venue with its courts and rating (and, in a search near a point, its distance from there)."""

    venue: Venue
    courts: list[Court]
    distance_km: float = 0.0
    rating_average: float = 0.0
    rating_count: int = 0

    @classmethod
    def listed(cls, venue: Venue, courts: list[Court], distance_km: float = 0.0) -> VenueView:
        """A venue read by a list, which carries its rating (`_rated`)."""
        return cls(venue, courts, distance_km, venue.rating or 0.0, venue.rating_count or 0)


@dataclasses.dataclass
class BookingView:
    """A booking with the venue and court it is at (and the booker, if booking_svc has heard of them)."""

    booking: Booking
    venue: Venue
    court: Court
    player: Player | None = None


@dataclasses.dataclass
class PriceList:
    """A venue's base hourly price and one page of its price rules, in the owner's order."""

    base_hourly_paisa: int
    rules: list[PriceRule]
    next_page_token: str = ""


# -- what the use cases answer with (read by convert) ----------------------------------------------


@dataclasses.dataclass
class Game:
    """One game of a series: its booking, or why it could not be booked."""

    start: dt.datetime
    booking: Booking | None = None
    clash: str = ""


@dataclasses.dataclass
class SeriesView:
    """A series (None in a preview) with its venue and games, in order."""

    series: BookingSeries | None
    venue: Venue
    court_id: str
    player_id: str
    rule: str
    duration_minutes: int
    games: list[Game]


@dataclasses.dataclass
class MembershipView:
    membership: Membership
    plan: MembershipPlan
    state: str
    player: Player | None = None  # the member's name, in the owner's member list
    bill_id: str = ""  # an online payment of the plan still due (payment_svc's bill)


@dataclasses.dataclass
class CourtFigures:
    court: Court
    bookings: int
    booked_minutes: int
    open_minutes: int
    revenue_paisa: int


@dataclasses.dataclass
class Report:
    venue: Venue
    first: dt.date
    last: dt.date
    courts: list[CourtFigures]
    # (ISO weekday, "HH:MM") → [booked minutes, open minutes], in the week's order
    steps: dict[tuple[int, str], list[int]]
    days: list[tuple[dt.date, int, int]]
    statuses: list[tuple[str, int]]
    new_players: int
    returning_players: int
    top_players: list[tuple[str, int, int]]
    # (rule id, "" for the base price; the rule as it stands, None when removed; bookings; net revenue)
    price_rules: list[tuple[str, PriceRule | None, int, int]] = dataclasses.field(default_factory=list)

    @property
    def revenue_paisa(self) -> int:
        return sum(c.revenue_paisa for c in self.courts)

    @property
    def no_show_rate(self) -> float:
        counts = dict(self.statuses)
        due = counts.get("completed", 0) + counts.get("no_show", 0)
        return counts.get("no_show", 0) / due if due else 0.0

    @property
    def occupancy(self) -> float:
        """Booked minutes over open minutes of every court, 0 to 1."""
        open_minutes = sum(c.open_minutes for c in self.courts)
        return sum(c.booked_minutes for c in self.courts) / open_minutes if open_minutes else 0.0


@dataclasses.dataclass
class EntryView:
    """An entry with its open offer, if it has one."""

    entry: WaitlistEntry
    offer: WaitlistOffer | None = None


@dataclasses.dataclass(frozen=True)
class LotteryEntryView:
    """A lottery entry with its draw and every entry of it (the person's place in the drawn order)."""

    entry: LotteryEntry
    lottery: Lottery
    entries: list[LotteryEntry]


@dataclasses.dataclass(frozen=True)
class BookingExport:
    """Everything booking keeps about one person, for the data export."""

    user_id: str
    player: Player | None
    bookings: list[BookingView]
    series: list[SeriesView]
    waitlist: list[EntryView]
    lottery_entries: list[LotteryEntryView]
    reviews: list[Review]
    memberships: list[MembershipView]
    venues: list[VenueView]
    exported_at: dt.datetime


_LIVE = [s.value for s in LIVE]
# The advisory-lock namespaces of the per-player limits (any constants unique to each purpose).
_DAILY_LIMIT_LOCKS, _WAITLIST_LIMIT_LOCKS, _SERIES_LIMIT_LOCKS = 0x7061_6431, 0x7061_6432, 0x7061_6433
_UNPAID_HOLDS_LOCKS = 0x7061_6434


def _lock_limit(session: Session, namespace: int, subject: str) -> None:
    """On PostgreSQL, a transaction lock on one player's limit (`subject`) taken before counting
    toward it, so two concurrent writes cannot both see room under it; SQLite already serializes
    writers (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                        {"namespace": namespace, "key": zlib.crc32(subject.encode()) - 2**31})


def is_slot_taken(error: exc.IntegrityError) -> bool:
    """Whether the database refused a write because the court is taken at that time."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    return sqlstate == EXCLUSION_VIOLATION or SLOT_TAKEN_SQLITE in str(error.orig)


# -- queries ----------------------------------------------------------------------------------------


def courts_of(session: Session, venue_id: str) -> list[Court]:
    return list(session.scalars(select(Court).where(Court.venue_id == venue_id).order_by(Court.created_at, Court.name, Court.id)))


def courts_of_venues(session: Session, venue_ids: Sequence[str]) -> dict[str, list[Court]]:
    courts: dict[str, list[Court]] = {venue_id: [] for venue_id in venue_ids}
    rows = session.scalars(select(Court).where(Court.venue_id.in_(venue_ids)).order_by(Court.created_at, Court.name, Court.id))
    for court in rows:
        courts[court.venue_id].append(court)
    return courts


def price_rules_of(session: Session, venue_id: str) -> list[PriceRule]:
    return list(session.scalars(select(PriceRule).where(PriceRule.venue_id == venue_id).order_by(PriceRule.position)))


def _busy_statement():
    """Live bookings and closures of some courts overlapping [start, end), as (court, start, end).

    Built once: availability asks it on every call. A pending booking whose hold ran out does not
    count (booking that court releases it first)."""
    court_ids, start, end, now = (bindparam("court_ids", expanding=True), bindparam("start"), bindparam("end"),
                                  bindparam("now"))
    bookings = select(Booking.court_id, Booking.start_time, Booking.end_time, Booking.hold_expires_at).where(
        Booking.court_id.in_(court_ids), Booking.status.in_(_LIVE),
        (Booking.status != Status.PENDING.value) | (Booking.hold_expires_at > now),
        Booking.start_time < end, Booking.end_time > start)
    closures = select(Closure.court_id, Closure.start_time, Closure.end_time, cast(None, UtcDateTime())).where(
        Closure.court_id.in_(court_ids), Closure.start_time < end, Closure.end_time > start)
    both = union_all(bookings, closures).subquery()
    # Read through the typed columns so SQLite's text timestamps come back as aware datetimes.
    return select(both.c.court_id, type_coerce(both.c.start_time, UtcDateTime()),
                  type_coerce(both.c.end_time, UtcDateTime()), type_coerce(both.c.hold_expires_at, UtcDateTime()))


_BUSY = _busy_statement()


def busy_intervals(session: Session, court_ids: Sequence[str], start: dt.datetime, end: dt.datetime,
                   now: dt.datetime) -> tuple[dict[str, list[tuple[dt.datetime, dt.datetime]]], dt.datetime | None]:
    """Per court, the live bookings and closures overlapping [start, end), and when the first of
    their holds runs out (None: none held): one query."""
    busy: dict[str, list] = {court_id: [] for court_id in court_ids}
    first_expiry = None
    for court_id, s, e, expiry in session.execute(_BUSY, {"court_ids": list(court_ids), "start": start, "end": end,
                                                          "now": now}):
        busy[court_id].append((s, e))
        if expiry is not None and expiry > now and (first_expiry is None or expiry < first_expiry):
            first_expiry = expiry
    return busy, first_expiry


def closure_overlapping(session: Session, court_id: str, start: dt.datetime,
                        end: dt.datetime) -> Row[tuple[dt.datetime, dt.datetime]] | None:
    """(start_time, end_time) of a closure of the court overlapping [start, end), if any (columns
    only, built once: asked on every booking)."""
    return session.execute(_CLOSURE_OVERLAPPING, {"court_id": court_id, "start": start, "end": end}).first()


_CLOSURE_OVERLAPPING = select(Closure.start_time, Closure.end_time).where(
    Closure.court_id == bindparam("court_id"), Closure.start_time < bindparam("end"),
    Closure.end_time > bindparam("start")).limit(1)


def live_bookings_overlapping(session: Session, court_id: str, start: dt.datetime, end: dt.datetime) -> list[Booking]:
    return list(session.scalars(select(Booking).where(
        Booking.court_id == court_id, Booking.status.in_(_LIVE), Booking.start_time < end, Booking.end_time > start)
        .order_by(Booking.start_time)))


def _lock_daily_limit(session: Session, venue_id: str, player_id: str, day: dt.date) -> None:
    _lock_limit(session, _DAILY_LIMIT_LOCKS, f"{player_id}/{venue_id}/{day.isoformat()}")


def live_bookings_that_day(session: Session, venue_id: str, player_id: str, day: dt.date,
                           excluding: str | None = None) -> int:
    """How many live bookings the player holds at the venue on that opening day, counted under the
    limit's lock on (player, venue, day)."""
    _lock_daily_limit(session, venue_id, player_id, day)
    return session.scalar(_LIVE_THAT_DAY, {"venue_id": venue_id, "player_id": player_id, "day": day,
                                           "excluding": excluding or ""}) or 0


def unpaid_holds(session: Session, player_id: str, now: dt.datetime) -> int:
    """How many bookings the player holds awaiting online payment (pending at a venue paid online, the
    hold not run out; not a match's hold or a waitlist offer, which the player did not ask to pay
    for yet), counted under the limit's lock on the player."""
    _lock_limit(session, _UNPAID_HOLDS_LOCKS, player_id)
    return session.scalar(_UNPAID_HOLDS, {"player_id": player_id, "now": now}) or 0


# Built once (asked on every booking at a venue paid online).
_UNPAID_HOLDS = select(func.count()).select_from(Booking).where(
    Booking.player_id == bindparam("player_id"), Booking.status == Status.PENDING.value,
    Booking.paid_at_venue.is_(False), Booking.hold_expires_at > bindparam("now"),
    Booking.match_id.is_(None), Booking.waitlist_offer_id.is_(None))


def unopened_match_holds(session: Session, player_id: str, now: dt.datetime) -> int:
    """How many live match holds the player made whose match has not been heard opened."""
    return session.scalar(select(func.count()).select_from(Booking).where(
        Booking.player_id == player_id, Booking.status == Status.PENDING.value,
        Booking.match_hold_until.is_not(None), Booking.hold_expires_at > now)) or 0


def late_match_holds(session: Session, made_before: dt.datetime, now: dt.datetime, limit: int) -> list[tuple[str, str]]:
    """(booking id, match id) of live match holds made before `made_before` whose match has not been
    heard opened, oldest first."""
    return [tuple(row) for row in session.execute(
        select(Booking.id, Booking.match_id).where(
            Booking.status == Status.PENDING.value, Booking.match_hold_until.is_not(None),
            Booking.hold_expires_at > now, Booking.created_at <= made_before)
        .order_by(Booking.created_at).limit(limit))]


# Built once (asked on every booking); "" excludes no booking (ids are never empty).
_LIVE_THAT_DAY = select(func.count()).select_from(Booking).where(
    Booking.venue_id == bindparam("venue_id"), Booking.player_id == bindparam("player_id"),
    Booking.opening_date == bindparam("day"), Booking.status.in_(_LIVE), Booking.id != bindparam("excluding"))


class CourtLook(NamedTuple):
    """What placing a game reads of its court and player: a closure of the court overlapping the game
    ((start, end), or None), whether holds that ran out wait on the court, and the player's live
    bookings at the venue on the game's opening day."""

    closure: tuple[dt.datetime, dt.datetime] | None
    expired_holds: bool
    live_that_day: int


def court_look(session: Session, court_id: str, start: dt.datetime, end: dt.datetime, now: dt.datetime,
               venue_id: str, player_id: str, day: dt.date, excluding: str | None = None) -> CourtLook:
    """Placing's second look, in one statement (it was three): `closure_overlapping`, whether
    `expired_holds` has any on the court, and `live_bookings_that_day` (not counting `excluding`),
    counted under the same lock, taken first."""
    _lock_daily_limit(session, venue_id, player_id, day)
    closure_start, closure_end, expired, live = session.execute(_court_look(), {
        "court_id": court_id, "start": start, "end": end, "now": now, "venue_id": venue_id,
        "player_id": player_id, "day": day, "excluding": excluding or ""}).one()
    return CourtLook((closure_start, closure_end) if closure_start is not None else None, bool(expired), live or 0)


@functools.cache  # built once, on first use (after `_expired_holds`, further down)
def _court_look():
    def first_closure(column):  # the same closure's start and end: the first by start
        return (select(column).where(Closure.court_id == bindparam("court_id"), Closure.start_time < bindparam("end"),
                                     Closure.end_time > bindparam("start"))
                .order_by(Closure.start_time, Closure.id).limit(1).scalar_subquery())

    expired = _expired_holds().where(Booking.court_id == bindparam("court_id")).exists()
    return select(first_closure(Closure.start_time), first_closure(Closure.end_time), expired,
                  _LIVE_THAT_DAY.scalar_subquery())


def court_with_venue(session: Session, court_id: str) -> tuple[Court | None, Venue | None]:
    """A court and its venue, in one query; (None, None) for no such court."""
    row = session.execute(select(Court, Venue).join(Venue, Venue.id == Court.venue_id)
                          .where(Court.id == court_id)).first()
    return (row[0], row[1]) if row else (None, None)


class Placing(NamedTuple):
    """What booking a court needs first: its venue and setup version, whether the player's key was
    used already, the player as booking_svc knows them (None: not heard of), and whether they hold
    any membership of the venue (live or not: most players hold none, and then none is read)."""

    venue_id: str
    setup_version: int
    earlier_id: str | None
    player: Player | None
    member: bool


@functools.cache  # built once, on first use (memberships are declared further down)
def _placing():
    player_id = bindparam("player_id")
    earlier = select(Booking.id).where(Booking.player_id == player_id,
                                       Booking.idempotency_key == bindparam("key")).scalar_subquery()
    member = exists().where(Membership.player_id == player_id, Membership.venue_id == Court.venue_id)
    return (select(Court.venue_id, Venue.setup_version, earlier, member, Player.id, Player.name, Player.phone)
            .join(Venue, Venue.id == Court.venue_id).outerjoin(Player, Player.id == player_id)
            .where(Court.id == bindparam("court_id")))


def placing(session: Session, court_id: str, player_id: str, key: str) -> Placing | None:
    """A booking's first look (None: no such court), in one statement of columns (no ORM loading)."""
    row = session.execute(_placing(), {"court_id": court_id, "player_id": player_id, "key": key}).first()
    if row is None:
        return None
    venue_id, version, earlier_id, member, known_id, name, phone = row
    return Placing(venue_id, version, earlier_id,
                   Player(id=known_id, name=name, phone=phone) if known_id is not None else None, bool(member))


def booking_by_key(session: Session, player_id: str, key: str) -> Booking | None:
    return session.scalars(select(Booking).where(
        Booking.player_id == player_id, Booking.idempotency_key == key)).first()


def venue_schedule(session: Session, venue_id: str, day: dt.date) -> list[Booking]:
    return list(session.scalars(select(Booking).where(
        Booking.venue_id == venue_id, Booking.opening_date == day).order_by(Booking.court_id, Booking.start_time)))


def bookings_of_player(session: Session, player_id: str, now: dt.datetime, *, which: str, page_size: int,
                       page_token: str) -> pager.Page[Booking]:
    """One page of the bookings a player made or was invited to (and has not declined): `which` is
    "upcoming" (live, not ended; soonest first), "past" (ended, not cancelled; latest first) or
    "cancelled" (latest start first)."""
    invited = select(Invitation.booking_id).where(Invitation.player_id == player_id,
                                                  Invitation.state != InvitationState.DECLINED.value)
    query = select(Booking).where((Booking.player_id == player_id) | Booking.id.in_(invited))
    order = [Booking.start_time, Booking.id]
    if which == "past":
        return pager.page(session, "bookings.past", query.where(
            Booking.end_time <= now, Booking.status != Status.CANCELLED.value), order, page_size, page_token,
            descending=True)
    if which == "cancelled":
        return pager.page(session, "bookings.cancelled", query.where(Booking.status == Status.CANCELLED.value),
                          order, page_size, page_token, descending=True)
    return pager.page(session, "bookings.upcoming", query.where(Booking.end_time > now, Booking.status.in_(_LIVE)),
                      order, page_size, page_token)


def venues_of_owner(session: Session, owner_id: str, page_size: int, page_token: str) -> pager.Page[Venue]:
    """One page of an owner's venues, retired ones included, by name."""
    return pager.page(session, "venues.of_owner", _rated(select(Venue).where(Venue.owner_id == owner_id)),
                      [Venue.name, Venue.id], page_size, page_token)


def live_bookings_on(session: Session, court_ids: Sequence[str], now: dt.datetime) -> list[Booking]:
    """The bookings of some courts that have not ended and still hold their court, soonest first."""
    return list(session.scalars(select(Booking).where(
        Booking.court_id.in_(court_ids), Booking.status.in_(_LIVE), Booking.end_time > now)
        .order_by(Booking.start_time, Booking.id)))


def delete_invitations_of(session: Session, player_id: str) -> None:
    """Every invitation of a player (a closed account leaves no answers behind)."""
    session.execute(delete(Invitation).where(Invitation.player_id == player_id))


def delete_reviews_of(session: Session, player_id: str) -> None:
    """Every review a player wrote, with the owner's answers to them (a closed account's words go,
    and its ratings no longer count for the venues)."""
    session.execute(delete(Review).where(Review.player_id == player_id))


def _rating_terms():
    """(average, count) of the venue's visible reviews, as subqueries of a venue query: a list reads
    every venue's rating in its one query (the reviews index covers them)."""
    visible = (Review.venue_id == Venue.id, Review.hidden.is_(False))
    return (select(cast(func.coalesce(func.avg(Review.rating), 0), Float)).where(*visible).scalar_subquery(),
            select(func.count()).select_from(Review).where(*visible).scalar_subquery())


def _rated(statement, average=None):
    """The venue query with each venue's rating filled in (`Venue.rating`, `Venue.rating_count`)."""
    terms = _rating_terms()
    return statement.options(with_expression(Venue.rating, average if average is not None else terms[0]),
                             with_expression(Venue.rating_count, terms[1]))


def _active_venues(city: str, query: str):
    statement = select(Venue).where(Venue.active.is_(True))
    if city:
        statement = statement.where(Venue.city_key == city.strip().lower())
    if query:
        statement = statement.where(func.lower(Venue.name).contains(query.strip().lower(), autoescape=True))
    return statement


def venues_by_name(session: Session, city: str, query: str, page_size: int, page_token: str) -> pager.Page[Venue]:
    """One page of the active venues matching a city and a part of the name, by name."""
    return pager.page(session, "venues.by_name", _rated(_active_venues(city, query)), [Venue.name, Venue.id],
                      page_size, page_token)


def venues_near(session: Session, city: str, query: str, near: tuple[float, float], max_nearness: float,
                page_size: int, page_token: str) -> pager.Page[Venue]:
    """One page of the matching active venues around `near`, nearest first, whose haversine term
    (`domain.distance_km`'s `h`, which grows with the distance) is at most `max_nearness`.

    The term is computed in SQL (both databases have sin, cos and radians) and pages by the key
    (term, id); each venue carries its term in `nearness`, so the page token holds the very value
    the database compared."""
    lat, lon = func.radians(Venue.latitude), func.radians(Venue.longitude)
    half_dlat, half_dlon = (func.radians(near[0]) - lat) / 2, (func.radians(near[1]) - lon) / 2
    h = (func.sin(half_dlat) * func.sin(half_dlat)
         + func.cos(lat) * func.cos(func.radians(near[0])) * func.sin(half_dlon) * func.sin(half_dlon))
    statement = _rated(_active_venues(city, query).where(
        Venue.latitude.is_not(None), Venue.longitude.is_not(None), h <= max_nearness,
    ).options(with_expression(Venue.nearness, h)))
    return pager.page(session, "venues.near", statement, [h, Venue.id], page_size, page_token,
                      key=lambda venue: (venue.nearness, venue.id))


def _expired_holds():
    return select(Booking.id).where(Booking.status == Status.PENDING.value, Booking.hold_expires_at <= bindparam("now"))


# Built once: the court's are asked on every booking.
_EXPIRED = _expired_holds().with_for_update(skip_locked=True)
_EXPIRED_ON_COURT = _expired_holds().where(Booking.court_id == bindparam("court_id")).with_for_update(skip_locked=True)


def expired_holds(session: Session, now: dt.datetime, court_id: str | None = None) -> list[Booking]:
    """Pending bookings whose hold ran out, locked. Asked on every booking of a court, where there
    are usually none: their ids first (no ORM loading for an empty answer), the rows only if any."""
    if court_id:
        ids = list(session.scalars(_EXPIRED_ON_COURT, {"now": now, "court_id": court_id}))
    else:
        ids = list(session.scalars(_EXPIRED, {"now": now}))
    return list(session.scalars(select(Booking).where(Booking.id.in_(ids)))) if ids else []


def finished(session: Session, now: dt.datetime, limit: int = 200) -> list[Booking]:
    return list(session.scalars(select(Booking).where(
        Booking.status.in_([Status.CONFIRMED.value, Status.IN_PROGRESS.value]), Booking.end_time <= now)
        .order_by(Booking.end_time).limit(limit).with_for_update(skip_locked=True)))


def open_closures(session: Session, venue_id: str, now: dt.datetime, page_size: int,
                  page_token: str) -> pager.Page[Closure]:
    """One page of a venue's closures that have not ended, by start."""
    return pager.page(session, "closures", select(Closure).where(Closure.venue_id == venue_id, Closure.end_time > now),
                      [Closure.start_time, Closure.id], page_size, page_token)


def price_rules_page(session: Session, venue_id: str, page_size: int, page_token: str) -> pager.Page[PriceRule]:
    """One page of a venue's price rules, in the owner's order."""
    return pager.page(session, "price_rules", select(PriceRule).where(PriceRule.venue_id == venue_id),
                      [PriceRule.position, PriceRule.id], page_size, page_token)


def price_rule_key(rule: dict) -> tuple:
    """What makes two price rules the same rule: court, weekdays, window and price."""
    return (rule["court_id"], tuple(sorted(rule["weekdays"])), rule["start"], rule["end"], rule["hourly_price_paisa"])


def price_rule_ids(session: Session, venue_id: str) -> dict[tuple, str]:
    """The ids of a venue's price rules by `price_rule_key` (read as values, not rows: the rules are
    replaced in the same transaction)."""
    return {price_rule_key(row._asdict()): row.id for row in session.execute(
        select(PriceRule.id, PriceRule.court_id, PriceRule.weekdays, PriceRule.start, PriceRule.end,
               PriceRule.hourly_price_paisa).where(PriceRule.venue_id == venue_id))}


def delete_price_rules(session: Session, venue_id: str) -> None:
    session.execute(delete(PriceRule).where(PriceRule.venue_id == venue_id))


class AvailabilityVersion(Base):
    """Raised by the database (migration 0014's triggers) in every transaction that writes a booking
    of the venue on that opening date: what availability's kept answers are checked against."""

    __tablename__ = "availability_versions"

    venue_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    opening_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class VenueSearchVersion(Base):
    """One row, raised by the database (migration 0014's triggers) by every write to what a venue in
    a search shows (venues, courts, price rules, reviews, membership plans)."""

    __tablename__ = "venue_search_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


def _day_versions():
    """A venue's setup version and the sum of its availability versions of the opening dates around
    a day (a booking made under other opening hours may overlap the neighbouring day's opening):
    every raise raises the sum. One statement."""
    days = select(func.coalesce(func.sum(AvailabilityVersion.version), 0)).where(
        AvailabilityVersion.venue_id == Venue.id,
        AvailabilityVersion.opening_date.between(bindparam("first"), bindparam("last"))).scalar_subquery()
    return select(Venue.setup_version, days).where(Venue.id == bindparam("venue_id"))


_DAY_VERSIONS = _day_versions()


def day_versions(uow: UnitOfWork, venue_id: str, day: dt.date) -> tuple[int, int] | None:
    """(setup version, bookings version) of the venue's opening on `day`; None: no such venue.
    Every availability call asks it: one row read the cheapest way (`UnitOfWork.first_row`)."""
    first, last = (day - dt.timedelta(days=1) if day > dt.date.min else day,
                   day + dt.timedelta(days=1) if day < dt.date.max else day)
    row = uow.first_row(_DAY_VERSIONS, {"venue_id": venue_id, "first": first, "last": last})
    return None if row is None else (int(row[0]), int(row[1]))


_SEARCH_VERSION = select(VenueSearchVersion.version).where(VenueSearchVersion.id == 1)


def venue_search_version(uow: UnitOfWork) -> int:
    return uow.first_row(_SEARCH_VERSION)[0]


def setup_version(session: Session, venue_id: str) -> int | None:
    """The venue's setup version (None: no such venue), read without loading the venue."""
    return session.scalar(_SETUP_VERSION, {"venue_id": venue_id})


_SETUP_VERSION = select(Venue.setup_version).where(Venue.id == bindparam("venue_id"))


def bump_setup_version(venue: Venue) -> None:
    """Raises the venue's setup version in the session's transaction. Computed by the database
    (`setup_version + 1`), so two changes at once never end on the same version."""
    venue.setup_version = Venue.setup_version + 1


def booking_view(session: Session, booking: Booking) -> BookingView:
    return BookingView(booking, session.get(Venue, booking.venue_id), session.get(Court, booking.court_id),
                       session.get(Player, booking.player_id))


def remember_player(session: Session, user_id: str, name: str, phone: str) -> None:
    session.merge(Player(id=user_id, name=name, phone=phone))


def forget_player(session: Session, user_id: str, now: dt.datetime) -> None:
    """The player's name and phone go; their id is remembered as closed (`closed_of`)."""
    session.execute(delete(Player).where(Player.id == user_id))
    if session.get(ClosedPlayer, user_id) is None:
        session.add(ClosedPlayer(player_id=user_id, closed_at=now))


def closed_of(session: Session, player_ids: Sequence[str]) -> set[str]:
    """Which of the players deleted their account."""
    if not player_ids:
        return set()
    return set(session.scalars(select(ClosedPlayer.player_id).where(ClosedPlayer.player_id.in_(player_ids))))


def players_of(session: Session, user_ids: Sequence[str]) -> list[Player]:
    return list(session.scalars(select(Player).where(Player.id.in_(user_ids)).order_by(Player.name, Player.id)))


def players_with_phone(session: Session, phone: str) -> list[Player]:
    """The players who registered this mobile number (two at most: one is the answer, two are too many)."""
    return list(session.scalars(select(Player).where(Player.phone == phone).order_by(Player.id).limit(2)))


def venue_named(session: Session, owner_id: str, name: str) -> Venue | None:
    return session.scalars(select(Venue).where(Venue.owner_id == owner_id, Venue.name == name)).first()


# -- a closed account ---------------------------------------------------------------------------------

_UPCOMING = [Status.PENDING.value, Status.CONFIRMED.value]


def _upcoming_live(now: dt.datetime):
    """Pending (hold still running) or confirmed bookings that have not started: what may still be
    cancelled or changed. A run-out hold is the booking job's to expire."""
    return select(Booking).where(
        Booking.status.in_(_UPCOMING), Booking.start_time > now,
        (Booking.status != Status.PENDING.value) | (Booking.hold_expires_at > now),
    ).order_by(Booking.start_time, Booking.id).with_for_update()


def future_live_bookings_of(session: Session, player_id: str, now: dt.datetime) -> list[Booking]:
    return list(session.scalars(_upcoming_live(now).where(Booking.player_id == player_id)))


def future_live_bookings_inviting(session: Session, user_id: str, now: dt.datetime) -> list[Booking]:
    """Other players' upcoming bookings that list `user_id` among their participants.

    The list is a JSON array of ids; its text contains `"<id>"` exactly when the id is listed
    (ids hold no quote), which both databases can test. The list itself decides in the end.
    """
    listed = cast(Booking.participant_ids, String).contains(f'"{user_id}"', autoescape=True)
    rows = session.scalars(_upcoming_live(now).where(Booking.player_id != user_id, listed))
    return [booking for booking in rows if user_id in booking.participant_ids]


def erase_player_texts(session: Session, player_id: str, reason: str, standard_reasons: Sequence[str]) -> None:
    """What the player wrote on their bookings and series: requests, the idempotency keys their app
    chose (a key may be made of anything: the row's id replaces it, still unique per player) with the
    request fingerprint (a hash of the request), and the reasons they gave when cancelling, which
    become `reason`; the service's own wordings (`standard_reasons`) stay."""
    session.execute(update(Booking).where(Booking.player_id == player_id)
                    .values(special_requests="", idempotency_key=Booking.id, request_fingerprint=""))
    session.execute(update(BookingSeries).where(BookingSeries.player_id == player_id)
                    .values(idempotency_key=BookingSeries.id, request_fingerprint=""))
    session.execute(update(Booking).where(Booking.player_id == player_id, Booking.cancelled_by == player_id,
                                          Booking.cancel_reason.not_in([reason, *standard_reasons]))
                    .values(cancel_reason=reason))


def venues_owned_by(session: Session, owner_id: str) -> list[Venue]:
    return rows_of(session, Venue.owner_id, owner_id)


# -- the person's data export: every row about them, whole ----------------------------------------------


def bookings_involving(session: Session, player_id: str) -> list[Booking]:
    """Every booking the player made, was invited to (whatever their answer) or is listed on, by start."""
    invited = select(Invitation.booking_id).where(Invitation.player_id == player_id)
    listed = cast(Booking.participant_ids, String).contains(f'"{player_id}"', autoescape=True)
    rows = session.scalars(select(Booking).where((Booking.player_id == player_id) | Booking.id.in_(invited) | listed)
                           .order_by(Booking.start_time, Booking.id))
    # The JSON text only narrows the search; the list itself decides (as in future_live_bookings_inviting).
    return [b for b in rows if b.player_id == player_id or player_id in b.participant_ids
            or any(i.player_id == player_id for i in b.invitations)]


def lottery_entries_of(session: Session, player_id: str) -> list[tuple[LotteryEntry, Lottery]]:
    return [(entry, draw) for entry, draw in session.execute(
        select(LotteryEntry, Lottery).join(Lottery, Lottery.id == LotteryEntry.lottery_id)
        .where(LotteryEntry.player_id == player_id).order_by(LotteryEntry.created_at, LotteryEntry.id))]


def memberships_of(session: Session, player_id: str) -> list[tuple[Membership, MembershipPlan]]:
    return [(member, plan) for member, plan in session.execute(
        select(Membership, MembershipPlan).join(MembershipPlan, MembershipPlan.id == Membership.plan_id)
        .where(Membership.player_id == player_id).order_by(Membership.created_at, Membership.id))]


# -- recurring series and a venue's terms ---------------------------------------------------------------


class VenueTerms(Base):
    """A venue's limits on series and its waitlist window; a venue without a row has the defaults."""

    __tablename__ = "venue_terms"

    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"), primary_key=True)
    series_horizon_days: Mapped[int] = mapped_column(Integer)
    max_series_per_player: Mapped[int] = mapped_column(Integer)
    waitlist_offer_minutes: Mapped[int] = mapped_column(Integer)


class BookingSeries(Base):
    """A recurring booking: its rule, and the games that clashed when it was booked (the booked
    games are bookings listed in `series_games`)."""

    __tablename__ = "booking_series"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"))
    court_id: Mapped[str] = mapped_column(ForeignKey("courts.id"))
    player_id: Mapped[str] = mapped_column(String(36))
    rule: Mapped[str] = mapped_column(String(2000))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    # [{"start": iso UTC, "clash": "the court is closed then"}, ...]
    clashes: Mapped[list] = mapped_column(JSON, default=list)
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("player_id", "idempotency_key", name="uq_booking_series_player_idempotency_key"),
    )


class SeriesGame(Base):
    """A booking that is a game of a series."""

    __tablename__ = "series_games"

    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), primary_key=True)
    series_id: Mapped[str] = mapped_column(ForeignKey("booking_series.id"), index=True)


def series_by_key(session: Session, player_id: str, key: str) -> BookingSeries | None:
    return session.scalars(select(BookingSeries).where(
        BookingSeries.player_id == player_id, BookingSeries.idempotency_key == key)).first()


def running_series(session: Session, venue_id: str, player_id: str, now: dt.datetime) -> int:
    """How many of the player's series at the venue still have a live game to come, counted under
    the limit's lock on (player, venue)."""
    _lock_limit(session, _SERIES_LIMIT_LOCKS, f"{player_id}/{venue_id}")
    return session.scalar(select(func.count(func.distinct(SeriesGame.series_id)))
                          .join(Booking, Booking.id == SeriesGame.booking_id).where(
        Booking.venue_id == venue_id, Booking.player_id == player_id, Booking.status.in_(_LIVE),
        Booking.start_time > now)) or 0


def series_bookings(session: Session, series_id: str) -> list[Booking]:
    """The series' booked games, soonest first."""
    return list(session.scalars(select(Booking).join(SeriesGame, SeriesGame.booking_id == Booking.id)
                                .where(SeriesGame.series_id == series_id).order_by(Booking.start_time)))


# -- the waitlist ---------------------------------------------------------------------------------------


class WaitlistEntry(Base):
    """A player waiting for a court (or any court: `court_id` None) of a venue in a time window."""

    __tablename__ = "waitlist_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"))
    court_id: Mapped[str | None] = mapped_column(ForeignKey("courts.id"))
    player_id: Mapped[str] = mapped_column(String(36))
    window_start: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    window_end: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # waiting, offered, booked, left
    joined_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_waitlist_entries_venue_state", "venue_id", "state", "joined_at"),
        Index("ix_waitlist_entries_player_state", "player_id", "state"),
    )


class WaitlistOffer(Base):
    """A freed slot offered to one entry, held for it by a pending booking until `expires_at`.
    A slot is offered to an entry at most once (unique entry, court, start)."""

    __tablename__ = "waitlist_offers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("waitlist_entries.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"))
    court_id: Mapped[str] = mapped_column(ForeignKey("courts.id"))
    start_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    end_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(16))  # open, accepted, expired
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("entry_id", "court_id", "start_time", name="uq_waitlist_offers_entry_slot"),
        Index("ix_waitlist_offers_state_expires", "state", "expires_at"),
    )


def _active_entries(player_id: str, now: dt.datetime):
    """A player's entries waiting or offered whose window has not passed (one that has is over: the
    slot was never freed, or a lottery's loser waited in vain)."""
    return (WaitlistEntry.player_id == player_id, WaitlistEntry.state.in_(["waiting", "offered"]),
            WaitlistEntry.window_end > now)


def active_entries_of(session: Session, player_id: str, now: dt.datetime) -> int:
    """How many entries the player has waiting or offered, counted under the limit's lock on the player."""
    _lock_limit(session, _WAITLIST_LIMIT_LOCKS, player_id)
    return session.scalar(select(func.count()).select_from(WaitlistEntry).where(
        *_active_entries(player_id, now))) or 0


def entries_page(session: Session, player_id: str, now: dt.datetime, page_size: int,
                 page_token: str) -> pager.Page[WaitlistEntry]:
    """One page of a player's active entries, earliest joined first."""
    query = select(WaitlistEntry).where(*_active_entries(player_id, now))
    return pager.page(session, "waitlist", query, [WaitlistEntry.joined_at, WaitlistEntry.id], page_size, page_token)


def open_offer_of(session: Session, entry_id: str) -> WaitlistOffer | None:
    return session.scalars(select(WaitlistOffer).where(WaitlistOffer.entry_id == entry_id,
                                                       WaitlistOffer.state == "open")).first()


def next_in_line(session: Session, venue_id: str, court_id: str, start: dt.datetime,
                 end: dt.datetime) -> list[WaitlistEntry]:
    """The waiting entries a freed slot [start, end) on a court fits, in joining order, leaving out
    those of players already offered this slot through any of their entries (one player's several
    entries never hold it offer after offer; a game of an entry's length starting at `start` must fit
    both the slot and the entry's window). Locked, so two passes never offer one entry twice."""
    before = aliased(WaitlistEntry)
    offered = (select(WaitlistOffer.id).join(before, before.id == WaitlistOffer.entry_id)
               .where(before.player_id == WaitlistEntry.player_id, WaitlistOffer.court_id == court_id,
                      WaitlistOffer.start_time == start))
    rows = session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.venue_id == venue_id, WaitlistEntry.state == "waiting",
        (WaitlistEntry.court_id.is_(None)) | (WaitlistEntry.court_id == court_id),
        WaitlistEntry.window_start <= start, WaitlistEntry.window_end > start, ~offered.exists(),
    ).order_by(WaitlistEntry.joined_at, WaitlistEntry.id).with_for_update(skip_locked=True))
    # Whether the game also fits the slot's and window's ends is arithmetic on the entry's length.
    return [e for e in rows if start + dt.timedelta(minutes=e.duration_minutes) <= min(end, e.window_end)]


def open_offers_to(session: Session, player_id: str) -> list[WaitlistOffer]:
    """The open offers to a player's entries, locked."""
    return list(session.scalars(select(WaitlistOffer).join(WaitlistEntry, WaitlistEntry.id == WaitlistOffer.entry_id)
                                .where(WaitlistEntry.player_id == player_id, WaitlistOffer.state == "open")
                                .with_for_update(of=WaitlistOffer)))


def delete_waitlist_of(session: Session, player_id: str) -> None:
    """Every waitlist entry of a player, with the offers made to them (a closed account waits for nothing)."""
    theirs = select(WaitlistEntry.id).where(WaitlistEntry.player_id == player_id)
    session.execute(delete(WaitlistOffer).where(WaitlistOffer.entry_id.in_(theirs)))
    session.execute(delete(WaitlistEntry).where(WaitlistEntry.player_id == player_id))


def open_offer_on(session: Session, court_id: str, start: dt.datetime) -> WaitlistOffer | None:
    return session.scalars(select(WaitlistOffer).where(WaitlistOffer.court_id == court_id,
                                                       WaitlistOffer.start_time == start,
                                                       WaitlistOffer.state == "open")).first()


def run_out_offers(session: Session, now: dt.datetime, limit: int = 200) -> list[WaitlistOffer]:
    return list(session.scalars(select(WaitlistOffer).where(
        WaitlistOffer.state == "open", WaitlistOffer.expires_at <= now)
        .order_by(WaitlistOffer.expires_at).limit(limit).with_for_update(skip_locked=True)))


# -- the owner's numbers: every figure grouped in the database --------------------------------------------

# Bookings that took the court: confirmed or under way, played, or paid for and not shown up to.
_TAKING = [Status.CONFIRMED.value, Status.IN_PROGRESS.value, Status.COMPLETED.value, Status.NO_SHOW.value]
_TAKES = Booking.status.in_(_TAKING)
_CANCELLED_FEE = func.coalesce(Booking.cancellation_fee_paisa, 0)
# What the venue keeps: the price less the platform's commission, or the fee of a cancellation less
# the commission on it (as payments' payout report shows it).
_NET = case((_TAKES, Booking.price_paisa - Booking.commission_paisa),
            (Booking.status == Status.CANCELLED.value,
             _CANCELLED_FEE - func.coalesce(Booking.cancellation_commission_paisa, 0)), else_=0)
_TAKEN = func.sum(case((_TAKES, 1), else_=0))


def _period(venue_id: str, first: dt.date, last: dt.date):
    return (Booking.venue_id == venue_id, Booking.opening_date >= first, Booking.opening_date <= last)


def report_statuses(session: Session, venue_id: str, first: dt.date, last: dt.date) -> list[tuple[str, int]]:
    return [(status, int(n)) for status, n in session.execute(
        select(Booking.status, func.count()).where(*_period(venue_id, first, last))
        .group_by(Booking.status).order_by(Booking.status))]


def report_courts(session: Session, venue_id: str, first: dt.date,
                  last: dt.date) -> dict[str, tuple[int, int, int]]:
    """Per court: (bookings taking it, minutes taken, net revenue)."""
    rows = session.execute(select(Booking.court_id, _TAKEN, func.sum(case((_TAKES, Booking.duration_minutes), else_=0)),
                                  func.sum(_NET)).where(*_period(venue_id, first, last)).group_by(Booking.court_id))
    return {court_id: (int(n or 0), int(minutes or 0), int(net or 0)) for court_id, n, minutes, net in rows}


def report_price_rules(session: Session, venue_id: str, first: dt.date,
                       last: dt.date) -> list[tuple[str | None, int, int]]:
    """Per price rule that priced bookings (None: the base price): (bookings taking a court, net
    revenue), most revenue first; rules whose bookings brought nothing are left out."""
    revenue = func.sum(_NET)
    return [(rule_id, int(n or 0), int(net or 0)) for rule_id, n, net in session.execute(
        select(Booking.price_rule_id, _TAKEN, revenue).where(*_period(venue_id, first, last))
        .group_by(Booking.price_rule_id).order_by(revenue.desc(), Booking.price_rule_id)) if n or net]


def report_days(session: Session, venue_id: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, int, int]]:
    """Per opening day with bookings: (day, bookings taking a court, net revenue)."""
    return [(day, int(n or 0), int(net or 0)) for day, n, net in session.execute(
        select(Booking.opening_date, _TAKEN, func.sum(_NET)).where(*_period(venue_id, first, last))
        .group_by(Booking.opening_date).order_by(Booking.opening_date))]


def report_games(session: Session, venue_id: str, first: dt.date,
                 last: dt.date) -> list[tuple[dt.datetime, int, int]]:
    """(start, duration, how many courts) of the games taking courts: one row per start and length,
    however many courts and bookings share it."""
    start = type_coerce(Booking.start_time, UtcDateTime())
    return [(s, int(d), int(n)) for s, d, n in session.execute(
        select(start, Booking.duration_minutes, func.count()).where(*_period(venue_id, first, last), _TAKES)
        .group_by(Booking.start_time, Booking.duration_minutes))]


def report_closures(session: Session, court_ids: Sequence[str], start: dt.datetime,
                    end: dt.datetime) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """Per court, the (start, end) of its closures overlapping [start, end), each span once, by start."""
    closed: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for court_id, opens, closes in session.execute(
            select(Closure.court_id, Closure.start_time, Closure.end_time).distinct()
            .where(Closure.court_id.in_(court_ids), Closure.start_time < end, Closure.end_time > start)
            .order_by(Closure.court_id, Closure.start_time, Closure.end_time)):
        closed.setdefault(court_id, []).append((opens, closes))
    return closed


def _players_of_bookings(session: Session, *where) -> Subquery:
    """(booking_id, player_id, share) for every player of the bookings `where` picks: the booker and
    the invited players, each with their share of the price (`player_prices`); a booking priced before
    shares were kept is its booker's alone."""
    if session.get_bind().dialect.name == "postgresql":
        share = func.json_array_elements(Booking.player_prices).table_valued("value").alias("share")
        player, paisa = share.c.value.op("->>")(0), cast(share.c.value.op("->>")(1), BigInteger)
    else:
        share = func.json_each(Booking.player_prices).table_valued("value").alias("share")
        player, paisa = func.json_extract(share.c.value, "$[0]"), func.json_extract(share.c.value, "$[1]")
    shared = select(Booking.id.label("booking_id"), player.label("player_id"), paisa.label("share")).select_from(
        Booking).join(share, true()).where(*where)
    whole = select(Booking.id, Booking.player_id, Booking.price_paisa).where(Booking.player_prices.is_(None), *where)
    return union_all(shared, whole).subquery()


def report_players(session: Session, venue_id: str, first: dt.date, last: dt.date) -> tuple[int, int]:
    """(new, returning) players of the period, every player of a booking counted: new ones played no
    booking at the venue before it."""
    everyone = _players_of_bookings(session, Booking.venue_id == venue_id)
    first_seen = select(everyone.c.player_id, func.min(Booking.opening_date).label("since")).join(
        Booking, Booking.id == everyone.c.booking_id).group_by(everyone.c.player_id).subquery()
    in_period = _players_of_bookings(session, *_period(venue_id, first, last))
    players = select(in_period.c.player_id).distinct().subquery()
    new, returning = session.execute(
        select(func.sum(case((first_seen.c.since >= first, 1), else_=0)),
               func.sum(case((first_seen.c.since < first, 1), else_=0)))
        .select_from(players.join(first_seen, first_seen.c.player_id == players.c.player_id))).one()
    return int(new or 0), int(returning or 0)


def report_top_players(session: Session, venue_id: str, first: dt.date, last: dt.date,
                       limit: int = 10) -> list[tuple[str, int, int]]:
    """(player, bookings taking a court they played, spent), most bookings first, then most spent: every
    player of a booking, who spent their share (the booker a cancellation's fee)."""
    players = _players_of_bookings(session, *_period(venue_id, first, last))
    booker = players.c.player_id == Booking.player_id
    taken = _TAKEN.label("taken")
    spent = func.sum(case((_TAKES, players.c.share), (and_(Booking.status == Status.CANCELLED.value, booker),
                                                      _CANCELLED_FEE), else_=0)).label("spent")
    return [(p, int(n or 0), int(s or 0)) for p, n, s in session.execute(
        select(players.c.player_id, taken, spent).join(Booking, Booking.id == players.c.booking_id)
        .group_by(players.c.player_id).order_by(taken.desc(), spent.desc(), players.c.player_id).limit(limit))]


# -- reviews ----------------------------------------------------------------------------------------------


class Review(Base):
    """A player's rating of a venue after a game there: one per player and game."""

    __tablename__ = "reviews"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"))
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"))
    player_id: Mapped[str] = mapped_column(String(36))
    rating: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(String(500), default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("booking_id", "player_id", name="uq_reviews_booking_player"),
        Index("ix_reviews_venue_created", "venue_id", "hidden", "created_at"),
    )


def visible_reviews(session: Session, venue_id: str, page_size: int, page_token: str) -> pager.Page[Review]:
    """One page of a venue's visible reviews, newest first."""
    query = select(Review).where(Review.venue_id == venue_id, Review.hidden.is_(False))
    return pager.page(session, "reviews", query, [Review.created_at, Review.id], page_size, page_token,
                      descending=True)


def venue_rating(session: Session, venue_id: str) -> tuple[float, int]:
    """(average rating, count) of a venue's visible reviews, computed by the database."""
    average, count = session.execute(select(func.avg(Review.rating), func.count()).where(
        Review.venue_id == venue_id, Review.hidden.is_(False))).one()
    return float(average or 0.0), int(count)


def venues_by_rating(session: Session, city: str, query: str, page_size: int, page_token: str) -> pager.Page[Venue]:
    """One page of the matching active venues, best average rating first (unrated ones last, as 0),
    paged by (rating, id); the rating is a double on both databases, so the token holds it exactly."""
    rating = _rating_terms()[0]
    statement = _rated(_active_venues(city, query), rating)
    return pager.page(session, "venues.by_rating", statement, [rating, Venue.id], page_size, page_token,
                      descending=True, key=lambda venue: (venue.rating, venue.id))


# -- lotteries ------------------------------------------------------------------------------------------


class Lottery(Base):
    """A prime slot sold by lottery: closed to booking (`closure_id`) until the draw; `seed` and
    `drawn_order` (entry ids, the winner first) are kept so anyone can check the draw."""

    __tablename__ = "lotteries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"), index=True)
    court_id: Mapped[str] = mapped_column(ForeignKey("courts.id"))
    closure_id: Mapped[str] = mapped_column(String(36))
    start_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer)
    entries_close_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    seed: Mapped[str] = mapped_column(String(64), default="")
    drawn_order: Mapped[list] = mapped_column(JSON, default=list)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class LotteryEntry(Base):
    """A player's entry to a lottery: one per player (the database refuses a second)."""

    __tablename__ = "lottery_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lottery_id: Mapped[str] = mapped_column(ForeignKey("lotteries.id"))
    player_id: Mapped[str] = mapped_column(String(36))
    weight: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("lottery_id", "player_id", name="uq_lottery_entries_player"),)


def lotteries_due(session: Session, now: dt.datetime, limit: int) -> list[str]:
    """Lotteries whose entries closed and that nobody drew yet, the earliest closed first."""
    return list(session.scalars(select(Lottery.id).where(Lottery.seed == "", Lottery.entries_close_at <= now)
                                .order_by(Lottery.entries_close_at).limit(limit)))


def lottery_to_draw(session: Session, lottery_id: str) -> Lottery | None:
    """The lottery taken for its draw; None while another transaction draws it."""
    return session.scalars(select(Lottery).where(Lottery.id == lottery_id)
                           .with_for_update(skip_locked=True)).first()


def lottery_holding(session: Session, closure_id: str) -> Lottery | None:
    """The undrawn lottery whose prime slot this closure keeps off sale, if any."""
    return session.scalars(select(Lottery).where(Lottery.closure_id == closure_id, Lottery.seed == "")).first()


def venue_lotteries(session: Session, venue_id: str, now: dt.datetime,
                    limit: int = 100) -> list[tuple[Lottery, list[LotteryEntry]]]:
    """The venue's lotteries whose game is still ahead, each with its entries in joining order: two
    queries. Open ones first (entries closing soonest first), then the rest by start."""
    found = list(session.scalars(select(Lottery).where(Lottery.venue_id == venue_id, Lottery.start_time > now)
                                 .order_by(Lottery.start_time, Lottery.id).limit(limit)))
    entries: dict[str, list[LotteryEntry]] = {draw.id: [] for draw in found}
    for entry in session.scalars(select(LotteryEntry).where(LotteryEntry.lottery_id.in_(list(entries)))
                                 .order_by(LotteryEntry.created_at, LotteryEntry.id)):
        entries[entry.lottery_id].append(entry)

    def order(draw: Lottery) -> tuple[bool, dt.datetime]:
        taking_entries = not draw.seed and now < draw.entries_close_at
        return not taking_entries, draw.entries_close_at if taking_entries else draw.start_time

    found.sort(key=order)
    return [(draw, entries[draw.id]) for draw in found]


def delete_undrawn_lottery_entries_of(session: Session, player_id: str) -> None:
    """A player's entries to lotteries not drawn yet (a closed account wins nothing); a drawn
    lottery keeps its entries, whose ids its drawn order names, for anyone to check the draw."""
    undrawn = select(Lottery.id).where(Lottery.seed == "")
    session.execute(delete(LotteryEntry).where(LotteryEntry.player_id == player_id,
                                               LotteryEntry.lottery_id.in_(undrawn)))


def lottery_entries(session: Session, lottery_id: str) -> list[LotteryEntry]:
    """A lottery's entries in joining order: the order the draw reads them in."""
    return list(session.scalars(select(LotteryEntry).where(LotteryEntry.lottery_id == lottery_id)
                                .order_by(LotteryEntry.created_at, LotteryEntry.id)))


# -- memberships ----------------------------------------------------------------------------------------


class MembershipPlan(Base):
    __tablename__ = "membership_plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    price_paisa: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(16))  # monthly, quarterly, yearly
    grace_days: Mapped[int] = mapped_column(Integer)
    percent_off: Mapped[int] = mapped_column(Integer)
    lottery_weight: Mapped[int] = mapped_column(Integer)
    # The member's benefits (migration 0017): price rules [{"court_id", "weekdays", "start", "end",
    # "amount_off_paisa", "percent_off"}], days further ahead, more bookings a day, later free cancelling.
    price_rules: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    extra_horizon_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extra_bookings_per_day: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    free_until_hours: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # When the owner stopped offering it (migration 0018): nobody joins or renews it since.
    retired_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


def offered_plans(session: Session, venue_id: str) -> list[MembershipPlan]:
    """The plans a venue offers (not retired), oldest first."""
    return list(session.scalars(select(MembershipPlan).where(MembershipPlan.venue_id == venue_id,
                                                             MembershipPlan.retired_at.is_(None))
                                .order_by(MembershipPlan.created_at, MembershipPlan.id)))


class Membership(Base):
    """A player's membership of a plan: one per player and plan, paid until `paid_until`."""

    __tablename__ = "memberships"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("membership_plans.id"))
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"))
    player_id: Mapped[str] = mapped_column(String(36))
    paid_until: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The paid_until each reminder was sent for (migration 0017): a payment moves paid_until, so the
    # next period is reminded again.
    due_reminded_for: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    grace_reminded_for: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    expiry_told_for: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("plan_id", "player_id", name="uq_memberships_plan_player"),
        Index("ix_memberships_player_venue", "player_id", "venue_id"),
        Index("ix_memberships_venue_created", "venue_id", "created_at"),
        Index("ix_memberships_paid_until", "paid_until"),
    )


def membership_of(session: Session, plan_id: str, player_id: str) -> Membership | None:
    return session.scalars(select(Membership).where(Membership.plan_id == plan_id,
                                                    Membership.player_id == player_id).with_for_update()).first()


def current_members(session: Session, plan: MembershipPlan, now: dt.datetime) -> list[Membership]:
    """The plan's memberships not expired at `now` (active, or in the plan's grace days)."""
    return list(session.scalars(select(Membership).where(
        Membership.plan_id == plan.id, Membership.paid_until > now - dt.timedelta(days=plan.grace_days))
        .order_by(Membership.created_at, Membership.id)))


def member_plans(session: Session, venue_id: str,
                 player_ids: Sequence[str]) -> list[tuple[str, MembershipPlan, dt.datetime]]:
    """(player id, plan, paid until) of each membership the players hold at the venue, in one query."""
    return [(player, plan, until) for player, plan, until in session.execute(
        select(Membership.player_id, MembershipPlan, Membership.paid_until)
        .join(MembershipPlan, MembershipPlan.id == Membership.plan_id)
        .where(Membership.venue_id == venue_id, Membership.player_id.in_(list(player_ids))))]


def venue_memberships_page(session: Session, venue_id: str, page_size: int,
                           page_token: str) -> pager.Page[Membership]:
    """The venue's memberships, the newest member first."""
    return pager.page(session, "venue-members", select(Membership).where(Membership.venue_id == venue_id),
                      [Membership.created_at, Membership.id], page_size, page_token, descending=True)


def memberships_to_remind(session: Session, now: dt.datetime, notice: dt.timedelta, limit: int,
                          after: tuple[dt.datetime, str] | None = None) -> list[tuple[Membership, MembershipPlan]]:
    """Memberships whose period ends within `notice` (or ended, grace days at most 60 before) and whose
    expiry was not told yet: those a renewal reminder may be owed, the next `limit` by (paid_until,
    id) after `after` (a pass goes through them batch by batch), taken for this batch."""
    query = select(Membership, MembershipPlan).join(MembershipPlan, MembershipPlan.id == Membership.plan_id).where(
        Membership.paid_until <= now + notice, Membership.paid_until >= now - dt.timedelta(days=67),
        or_(Membership.expiry_told_for.is_(None), Membership.expiry_told_for != Membership.paid_until))
    if after is not None:
        query = query.where(or_(Membership.paid_until > after[0],
                                and_(Membership.paid_until == after[0], Membership.id > after[1])))
    return [(m, p) for m, p in session.execute(query.order_by(Membership.paid_until, Membership.id).limit(limit)
                                               .with_for_update(of=Membership, skip_locked=True))]


def memberships_page(session: Session, player_id: str, page_size: int,
                     page_token: str) -> pager.Page[Membership]:
    return pager.page(session, "memberships", select(Membership).where(Membership.player_id == player_id),
                      [Membership.created_at, Membership.id], page_size, page_token)


class MembershipDue(Base):
    """A plan's price a player is to pay online (migration 0019): payment_svc's bill of the same id.
    Paid once (online or at the desk), or withdrawn; `period_start` is when the period it paid began.
    A player has one due of a plan open at a time: the database refuses a second (migration 0021)."""

    __tablename__ = "membership_dues"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The membership it starts or extends (its row is made by the first payment).
    membership_id: Mapped[str] = mapped_column(String(36), index=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("membership_plans.id"))
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"))
    player_id: Mapped[str] = mapped_column(String(36), index=True)
    amount_paisa: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16))  # due, paid, withdrawn
    # The captured attempt that paid it online; None when paid at the desk (or not paid).
    payment_id: Mapped[str | None] = mapped_column(String(36))
    period_start: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    settled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ux_membership_dues_open", "plan_id", "player_id", unique=True,
              postgresql_where=text("state = 'due'"), sqlite_where=text("state = 'due'")),
    )


def open_due(session: Session, plan_id: str, player_id: str, *, lock: bool = True) -> MembershipDue | None:
    """The player's payment of the plan still due, if any (one at a time); its row locked (on
    PostgreSQL) unless only shown, `lock=False`: a capture settling it meanwhile (`paid_online`
    locks it too) is waited for, and the due then read as paid, not overwritten as withdrawn."""
    query = select(MembershipDue).where(
        MembershipDue.plan_id == plan_id, MembershipDue.player_id == player_id, MembershipDue.state == "due")
    return session.scalars(query.with_for_update() if lock else query).first()


def dues_of_membership(session: Session, membership_id: str) -> list[MembershipDue]:
    return list(session.scalars(select(MembershipDue).where(MembershipDue.membership_id == membership_id)
                                .order_by(MembershipDue.created_at).with_for_update()))


def open_dues_of_plan(session: Session, plan_id: str) -> list[MembershipDue]:
    return list(session.scalars(select(MembershipDue).where(MembershipDue.plan_id == plan_id,
                                                            MembershipDue.state == "due").with_for_update()))


def open_dues_of(session: Session, player_id: str) -> list[MembershipDue]:
    return list(session.scalars(select(MembershipDue).where(MembershipDue.player_id == player_id,
                                                            MembershipDue.state == "due").with_for_update()))


# -- the owner's weekly summary ---------------------------------------------------------------------------


class WeeklySummary(Base):
    """A venue's weekly summary sent (one per venue and week: the database refuses a second)."""

    __tablename__ = "weekly_summaries"

    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"), primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


def summary_candidates(session: Session) -> list[tuple[str, str, dt.datetime, dt.date | None]]:
    """(venue, time zone, created, the last week summarized or None) of every active venue: one query."""
    last = select(func.max(WeeklySummary.week_start)).where(WeeklySummary.venue_id == Venue.id).scalar_subquery()
    return [(v, zone, created, since) for v, zone, created, since in session.execute(
        select(Venue.id, Venue.time_zone, Venue.created_at, type_coerce(last, Date)).where(Venue.active.is_(True)))]
