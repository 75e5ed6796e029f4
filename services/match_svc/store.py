"""match_svc's tables and queries (SQLAlchemy 2): matches, their seats and join requests, players'
ratings and level history, and how often each player tried a match. Flushes, never commits.

A seat is taken by exactly one player (DESIGN invariant 8): `seats` has the primary key (match_id,
side, place) and a unique (match_id, player_id), so of two players racing for the last place the
database lets one in; `take_seat` turns the other's refusal into Conflict.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint, delete, exc,
                        select, true)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from match_svc.domain import Gender, LevelStart, Place, ResultStatus, Side, Status, TimeOfDay, local_start_range
from mesh import pager
from mesh.db import new_id, rows_of
from mesh.errors import Conflict
from mesh.sqltypes import UtcDateTime


class Base(DeclarativeBase):
    pass


class Seat(Base):
    __tablename__ = "seats"

    match_id: Mapped[str] = mapped_column(String(36), ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True)
    side: Mapped[str] = mapped_column(String(1), primary_key=True)
    # 1 or 2: a side's two places.
    place: Mapped[int] = mapped_column(Integer, primary_key=True)
    player_id: Mapped[str] = mapped_column(String(36))
    gender: Mapped[str] = mapped_column(String(12))
    level: Mapped[float] = mapped_column(Float)
    joined_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    no_show: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("match_id", "player_id", name="uq_seats_player"),)


class JoinRequest(Base):
    __tablename__ = "join_requests"

    match_id: Mapped[str] = mapped_column(String(36), ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True)
    player_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    side: Mapped[str] = mapped_column(String(1))  # "" for either side
    level: Mapped[float] = mapped_column(Float)
    approved_by: Mapped[list] = mapped_column(JSON)
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Try(Base):
    """How many times a player joined or asked to join a match (each time its players were told)."""

    __tablename__ = "match_tries"

    match_id: Mapped[str] = mapped_column(String(36), ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True)
    player_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
    times: Mapped[int] = mapped_column(Integer)


class Match(Base):
    __tablename__ = "matches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organiser_id: Mapped[str] = mapped_column(String(36), index=True)
    booking_id: Mapped[str] = mapped_column(String(36), unique=True)
    venue_id: Mapped[str] = mapped_column(String(36))
    venue_name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(60))
    # Lower-cased city: browsing by city is case-insensitive.
    city_key: Mapped[str] = mapped_column(String(60))
    court_id: Mapped[str] = mapped_column(String(36))
    court_name: Mapped[str] = mapped_column(String(120))
    start_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    end_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    time_zone: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[str] = mapped_column(String(10))
    local_start: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(12))
    gender_mode: Mapped[str] = mapped_column(String(8))
    min_level: Mapped[float] = mapped_column(Float)
    max_level: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10))
    free_places: Mapped[int] = mapped_column(Integer)
    # The result, once recorded: [[a, b], ...] games per set.
    result_sets: Mapped[list | None] = mapped_column(JSON)
    winner: Mapped[str | None] = mapped_column(String(1))
    result_status: Mapped[str | None] = mapped_column(String(10))
    recorded_by: Mapped[str | None] = mapped_column(String(36))
    recorded_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(36))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # A match opened on a free slot (migration 0003): its court is held until `held_until`, and
    # `court_booked` once enough players joined; a match on the organiser's booking is booked from the start.
    held_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    court_booked: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    seats: Mapped[list[Seat]] = relationship(lazy="selectin", order_by=(Seat.side, Seat.place),
                                             cascade="all, delete-orphan")
    join_requests: Mapped[list[JoinRequest]] = relationship(lazy="selectin", order_by=JoinRequest.requested_at,
                                                            cascade="all, delete-orphan")

    __table_args__ = (
        # Browsing: open matches soonest first.
        Index("ix_matches_browse", "status", "start_time", "id"),
        # The auto-confirm job finds pending results by age.
        Index("ix_matches_pending_results", "result_status", "recorded_at"),
        # The job finds held courts past their deadline.
        Index("ix_matches_held", "court_booked", "held_until"),
    )

    @property
    def places(self) -> list[Place]:
        return [Place(Side(s.side), s.player_id, Gender(s.gender)) for s in self.seats]

    def seat_of(self, player_id: str) -> Seat | None:
        return next((s for s in self.seats if s.player_id == player_id), None)


class Rating(Base):
    """A player's rating in the model's units, and their record as a partner."""

    __tablename__ = "ratings"

    player_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mu: Mapped[float] = mapped_column(Float)
    sigma: Mapped[float] = mapped_column(Float)
    gender: Mapped[str] = mapped_column(String(12))
    matches_counted: Mapped[int] = mapped_column(Integer, default=0)
    matches_played: Mapped[int] = mapped_column(Integer, default=0)
    no_shows: Mapped[int] = mapped_column(Integer, default=0)
    late_drop_outs: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # Where the level started (domain.LevelStart): one from the profile follows it until replaced.
    start: Mapped[str] = mapped_column(String(13), default=LevelStart.QUESTIONNAIRE.value)


class LevelStep(Base):
    """One step of a player's level history: the questionnaire's start, or a confirmed match."""

    __tablename__ = "level_history"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    player_id: Mapped[str] = mapped_column(String(36))
    match_id: Mapped[str] = mapped_column(String(36))  # "" for the questionnaire
    level_before: Mapped[float] = mapped_column(Float)
    level_after: Mapped[float] = mapped_column(Float)
    reliability_after: Mapped[float] = mapped_column(Float)
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_level_history_player", "player_id", "changed_at", "id"),)


def match(session: Session, match_id: str, *, for_update: bool = False) -> Match | None:
    """A match; `for_update` locks its row (PostgreSQL), so changes to one match's places queue."""
    query = select(Match).where(Match.id == match_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def match_of_booking(session: Session, booking_id: str, *, for_update: bool = False) -> Match | None:
    query = select(Match).where(Match.booking_id == booking_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def matches_ahead_of(session: Session, player_id: str, now: dt.datetime) -> list[Match]:
    """Matches not started in which the player holds a place or asked for one, locked."""
    seated = select(Seat.match_id).where(Seat.player_id == player_id)
    asked = select(JoinRequest.match_id).where(JoinRequest.player_id == player_id)
    query = (select(Match).where(Match.start_time > now, Match.id.in_(seated.union(asked)))
             .order_by(Match.id).with_for_update())
    return list(session.scalars(query))


def ratings_of(session: Session, player_ids: list[str]) -> dict[str, Rating]:
    """The ratings of those players who have one, read without locking."""
    return {row.player_id: row for row in session.scalars(select(Rating).where(Rating.player_id.in_(player_ids)))}


def latest_seats(session: Session, player_ids: list[str]) -> dict[str, tuple[str, dt.datetime]]:
    """Each player's latest place: (the match's city key, when they took it)."""
    query = (select(Seat.player_id, Match.city_key, Seat.joined_at).join(Match, Match.id == Seat.match_id)
             .where(Seat.player_id.in_(player_ids)).order_by(Seat.joined_at.desc()))
    latest: dict[str, tuple[str, dt.datetime]] = {}
    for player_id, city_key, joined_at in session.execute(query):
        latest.setdefault(player_id, (city_key, joined_at))
    return latest


def matches_of_person(session: Session, player_id: str) -> list[Match]:
    """Every match the player organised, holds a place in or asked to join, by start (their export)."""
    seated = select(Seat.match_id).where(Seat.player_id == player_id)
    asked = select(JoinRequest.match_id).where(JoinRequest.player_id == player_id)
    return list(session.scalars(select(Match).where(
        (Match.organiser_id == player_id) | Match.id.in_(seated.union(asked))).order_by(Match.start_time, Match.id)))


def whole_level_history(session: Session, player_id: str) -> list[LevelStep]:
    """Every step of the player's level, oldest first (their export)."""
    return rows_of(session, LevelStep.player_id, player_id, LevelStep.changed_at, LevelStep.id)


def tries_of(session: Session, player_id: str) -> list[Try]:
    """How many times the player joined or asked to join each match, by match (their export)."""
    return rows_of(session, Try.player_id, player_id, Try.match_id)


def erase_player(session: Session, player_id: str) -> None:
    """A deleted account's rating, partner record, level history and count of tries."""
    session.execute(delete(Try).where(Try.player_id == player_id))
    session.execute(delete(LevelStep).where(LevelStep.player_id == player_id))
    session.execute(delete(Rating).where(Rating.player_id == player_id))


def count_try(session: Session, match_id: str, player_id: str) -> int:
    """One more join or request of the player in the match (the caller holds the match's lock); how
    many that makes."""
    row = session.get(Try, (match_id, player_id))
    if row is None:
        row = Try(match_id=match_id, player_id=player_id, times=0)
        session.add(row)
    row.times += 1
    session.flush()
    return row.times


def add_match(session: Session, row: Match) -> Match:
    session.add(row)
    try:
        session.flush()
    except exc.IntegrityError as error:
        raise Conflict("a match is open on this booking already") from error
    return row


def take_seat(session: Session, row: Match, side: Side, player_id: str, gender: Gender, level: float,
              now: dt.datetime) -> Seat:
    """Seats a player on `side`; the database refuses a place or a player taken twice (Conflict)."""
    taken = {s.place for s in row.seats if s.side == side}
    seat = Seat(match_id=row.id, side=side.value, place=2 if 1 in taken else 1, player_id=player_id,
                gender=gender.value, level=level, joined_at=now, no_show=False)
    try:
        with session.begin_nested():
            row.seats.append(seat)
    except exc.IntegrityError as error:
        raise Conflict("that place was just taken by another player", reason="MATCH_FULL") from error
    return seat


def free_seat(session: Session, row: Match, seat: Seat) -> None:
    row.seats.remove(seat)
    session.flush()


def open_matches(session: Session, now: dt.datetime, *, city: str, venue_id: str, date: str,
                 time_of_day: TimeOfDay | None, level: float, min_free_places: int, page_size: int,
                 page_token: str) -> pager.Page:
    """Open matches not started yet, soonest first, keyset-paged by (start_time, id)."""
    query = select(Match).where(Match.status == Status.OPEN.value, Match.start_time > now,
                                Match.free_places >= max(1, min_free_places))
    if city:
        query = query.where(Match.city_key == city.strip().lower())
    if venue_id:
        query = query.where(Match.venue_id == venue_id)
    if date:
        query = query.where(Match.local_date == date)
    if time_of_day is not None:
        start, end = local_start_range(time_of_day)
        query = query.where(Match.local_start >= start, Match.local_start < end)
    if level:
        query = query.where(Match.min_level <= level, Match.max_level >= level)
    return pager.page(session, "open-matches", query, [Match.start_time, Match.id], page_size, page_token)


def results_due_ids(session: Session, recorded_before: dt.datetime, limit: int = 50) -> list[str]:
    """The matches whose pending result was recorded before `recorded_before`, oldest first."""
    query = (select(Match.id).where(Match.result_status == ResultStatus.PENDING.value,
                                    Match.recorded_at <= recorded_before)
             .order_by(Match.recorded_at).limit(limit))
    return list(session.scalars(query))


def result_due(session: Session, match_id: str, recorded_before: dt.datetime) -> Match | None:
    """That match if its result is still pending and due, locked so replicas never take the same one."""
    query = (select(Match).where(Match.id == match_id, Match.result_status == ResultStatus.PENDING.value,
                                 Match.recorded_at <= recorded_before).with_for_update(skip_locked=True))
    return session.scalars(query).first()


def requests_past_start(session: Session, now: dt.datetime, limit: int = 50) -> list[Match]:
    """Matches started with join requests still open, locked so replicas never take the same one."""
    asked = select(JoinRequest.match_id)
    query = (select(Match).where(Match.start_time <= now, Match.id.in_(asked))
             .order_by(Match.start_time).limit(limit).with_for_update(skip_locked=True))
    return list(session.scalars(query))


def holds_due(session: Session, now: dt.datetime, limit: int = 50) -> list[Match]:
    """Matches on a held court still short of players at their deadline, locked so replicas never
    take the same one."""
    query = (select(Match).where(Match.court_booked.is_(False), Match.held_until <= now,
                                 Match.status.in_([Status.OPEN.value, Status.FULL.value]))
             .order_by(Match.held_until).limit(limit).with_for_update(skip_locked=True))
    return list(session.scalars(query))


def rating(session: Session, player_id: str, *, for_update: bool = False) -> Rating | None:
    query = select(Rating).where(Rating.player_id == player_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def add_rating(session: Session, row: Rating) -> Rating:
    try:
        with session.begin_nested():
            session.add(row)
    except exc.IntegrityError as error:  # the same player's first level, made twice at once
        raise Conflict("your level was just set; try again") from error
    return row


def ratings(session: Session, player_ids: list[str]) -> dict[str, Rating]:
    """The players' ratings, locked in a fixed order so two results settling at once never deadlock."""
    query = select(Rating).where(Rating.player_id.in_(player_ids)).order_by(Rating.player_id).with_for_update()
    return {row.player_id: row for row in session.scalars(query)}


def add_step(session: Session, player_id: str, match_id: str, before: float, after: float, reliability: float,
             now: dt.datetime) -> LevelStep:
    step = LevelStep(id=new_id(), player_id=player_id, match_id=match_id, level_before=before, level_after=after,
                     reliability_after=reliability, changed_at=now)
    session.add(step)
    session.flush()
    return step


def level_history(session: Session, player_id: str, page_size: int, page_token: str) -> pager.Page:
    query = select(LevelStep).where(LevelStep.player_id == player_id)
    return pager.page(session, "level-history", query, [LevelStep.changed_at, LevelStep.id], page_size, page_token,
                      descending=True)

