"""user_svc's tables and queries (SQLAlchemy 2): profiles, preferences, connections, avatars and
the venues each player has visited. Repositories take a session; the caller owns the transaction.

Enum-valued columns (city, hand, language, channels, …) hold the contract's enum numbers: those
are stable by the contract's own rules (`buf breaking`), and `convert` passes them on one to one.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy import (JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, Select, String, Text, and_,
                        delete, exists, func, or_, select)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, validates

from mesh import pager
from mesh.db import rows_of
from mesh.settings import DEFAULT_TIME_ZONE
from mesh.sqltypes import UtcDateTime
from user_svc import domain
from user_svc.domain import ConnectionStatus


class Base(DeclarativeBase):
    pass


# Room for a 60-character display name that decomposition made longer (ligatures, "ß" → "ss").
SEARCH_NAME_LENGTH = 200


class Profile(Base):
    """A player's profile; the row exists for every known user (deleted ones keep an empty row, and
    a closed account's row stays empty for good, as a tombstone that late events cannot refill)."""

    __tablename__ = "profiles"
    # Search results are listed by name (SEARCH_ORDER).
    __table_args__ = (Index("ix_profiles_search_name", "search_name", "user_id"),)

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    # Set once the player chose a display name (or deleted the profile): a late UserRegistered
    # event then no longer fills in the name from the account.
    display_name_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    bio: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[int] = mapped_column(Integer, default=0)
    city_other: Mapped[str] = mapped_column(String(100), default="")
    skill_level: Mapped[float] = mapped_column(Float, default=0.0)
    skill_source: Mapped[int] = mapped_column(Integer, default=0)
    play_frequency: Mapped[int] = mapped_column(Integer, default=0)
    preferred_play_times: Mapped[list[int]] = mapped_column(JSON, default=list)
    preferred_hand: Mapped[int] = mapped_column(Integer, default=0)
    court_side: Mapped[int] = mapped_column(Integer, default=0)
    matches_played: Mapped[int] = mapped_column(Integer, default=0)
    minutes_on_court: Mapped[int] = mapped_column(BigInteger, default=0)
    venues_visited: Mapped[int] = mapped_column(Integer, default=0)
    no_shows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    # When the account was deleted (auth's AccountDeleted); such a profile is gone for every caller.
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    # Whether SearchPlayers may list the player (their choice; findable unless they said no).
    findable: Mapped[bool] = mapped_column(Boolean, default=True)
    # The level match_svc rates the player at, copied from its events (None until it has one).
    match_level: Mapped[float | None] = mapped_column(Float, default=None)
    level_reliability: Mapped[float | None] = mapped_column(Float, default=None)
    level_updated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    # display_name as searches compare it (domain.search_key), kept in step by `_keep_search_name`.
    search_name: Mapped[str] = mapped_column(String(SEARCH_NAME_LENGTH), default="")

    @validates("display_name")
    def _keep_search_name(self, _key: str, value: str) -> str:
        self.search_name = domain.search_key(value)[:SEARCH_NAME_LENGTH]
        return value


class Preferences(Base):
    """How and when a player wants to hear from the platform."""

    __tablename__ = "preferences"

    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("profiles.user_id", ondelete="CASCADE"),
                                         primary_key=True)
    language: Mapped[int] = mapped_column(Integer)
    channels: Mapped[list[int]] = mapped_column(JSON)
    kinds: Mapped[list[int]] = mapped_column(JSON)
    quiet_hours_start: Mapped[str] = mapped_column(String(5), default="")
    quiet_hours_end: Mapped[str] = mapped_column(String(5), default="")
    time_zone: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Connection(Base):
    """One direction of a link between two players: `user_id`'s view of `other_id`.

    A request or a connection is two rows (outgoing/incoming, or connected both ways); a block is
    one row owned by the blocker, so two players may block each other independently.
    """

    __tablename__ = "connections"

    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("profiles.user_id", ondelete="CASCADE"),
                                         primary_key=True)
    other_id: Mapped[str] = mapped_column(String(36), ForeignKey("profiles.user_id", ondelete="CASCADE"),
                                          primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Avatar(Base):
    """The processed avatar a player has now; the file itself is in the blob store."""

    __tablename__ = "avatars"

    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("profiles.user_id", ondelete="CASCADE"),
                                         primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    source_format: Mapped[str] = mapped_column(String(10))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class VenueVisit(Base):
    """A venue a player has completed a booking at; their count is `Profile.venues_visited`."""

    __tablename__ = "venue_visits"

    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("profiles.user_id", ondelete="CASCADE"),
                                         primary_key=True)
    venue_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    first_visit_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


def new_profile(user_id: str, now: dt.datetime) -> Profile:
    """The empty profile of a player first heard of."""
    return Profile(user_id=user_id, display_name="", display_name_chosen=False, bio="", city=0, city_other="",
                   skill_level=0.0, skill_source=0, play_frequency=0, preferred_play_times=[], preferred_hand=0,
                   court_side=0, matches_played=0, minutes_on_court=0, venues_visited=0, no_shows=0, findable=True,
                   created_at=now, updated_at=now)


def default_preferences(user_id: str, now: dt.datetime) -> Preferences:
    """The preferences of a player who has not chosen any (domain's defaults)."""
    return Preferences(user_id=user_id, language=domain.DEFAULT_LANGUAGE, channels=list(domain.DEFAULT_CHANNELS),
                       kinds=list(domain.DEFAULT_KINDS), quiet_hours_start="", quiet_hours_end="",
                       time_zone=DEFAULT_TIME_ZONE, updated_at=now)


# -- queries --------------------------------------------------------------------------------------


def get_profile(session: Session, user_id: str, *, for_update: bool = False) -> Profile | None:
    """The profile row; `for_update` locks it (PostgreSQL) and reads it again, so what the caller
    sees is what the previous holder of the lock committed."""
    if for_update:
        return session.get(Profile, user_id, with_for_update=True, populate_existing=True)
    return session.get(Profile, user_id)


def get_preferences(session: Session, user_id: str) -> Preferences | None:
    return session.get(Preferences, user_id)


def get_avatar(session: Session, user_id: str) -> Avatar | None:
    return session.get(Avatar, user_id)


def get_connection(session: Session, user_id: str, other_id: str) -> Connection | None:
    return session.get(Connection, (user_id, other_id))


def is_blocked_between(session: Session, a: str, b: str) -> bool:
    """Whether either player blocked the other."""
    blocked = select(Connection.user_id).where(
        Connection.status == ConnectionStatus.BLOCKED,
        or_(and_(Connection.user_id == a, Connection.other_id == b),
            and_(Connection.user_id == b, Connection.other_id == a)),
    )
    return session.execute(blocked.limit(1)).first() is not None


def delete_connection_pair(session: Session, a: str, b: str, *, keep_blocks: bool = True) -> None:
    """Remove the rows between two players (both directions), blocks kept unless told otherwise."""
    condition = or_(and_(Connection.user_id == a, Connection.other_id == b),
                    and_(Connection.user_id == b, Connection.other_id == a))
    statement = delete(Connection).where(condition)
    if keep_blocks:
        statement = statement.where(Connection.status != ConnectionStatus.BLOCKED)
    session.execute(statement)


def _connections(user_id: str, statuses: Sequence[str]) -> Select:
    return select(Connection).where(Connection.user_id == user_id, Connection.status.in_(list(statuses)))


# Listings are oldest first; the other player's id breaks ties (the key mesh.pager pages by).
CONNECTION_ORDER = (Connection.created_at, Connection.other_id)


def list_connections(session: Session, user_id: str, statuses: Sequence[str]) -> list[Connection]:
    """All of `user_id`'s rows with the given statuses, oldest first."""
    return list(session.scalars(_connections(user_id, statuses).order_by(*CONNECTION_ORDER)))


def connections_page(session: Session, user_id: str, statuses: Sequence[str], page_size: int,
                     page_token: str) -> pager.Page[Connection]:
    """One page of `user_id`'s rows with the given statuses, oldest first (keyset paging in SQL)."""
    return pager.page(session, "connections", _connections(user_id, statuses), CONNECTION_ORDER, page_size,
                      page_token)


def _with_avatars(session: Session, user_ids: Sequence[str]) -> dict[str, tuple[Profile, str | None]]:
    """The players' profiles and avatar file names by id (one query for all)."""
    if not user_ids:
        return {}
    query = (select(Profile, Avatar.file_name).outerjoin(Avatar, Avatar.user_id == Profile.user_id)
             .where(Profile.user_id.in_(list(user_ids))))
    return {profile.user_id: (profile, file_name) for profile, file_name in session.execute(query)}


def with_others(session: Session, connections: Sequence[Connection]
                ) -> list[tuple[Connection, Profile, str | None]]:
    """Each connection with the other player's profile and avatar file name (one query for all)."""
    others = _with_avatars(session, [connection.other_id for connection in connections])
    return [(connection, *others[connection.other_id]) for connection in connections]


def avatar_files(session: Session, profiles: Sequence[Profile]) -> list[tuple[Profile, str | None]]:
    """Each profile with its avatar file name (one query for all)."""
    found = _with_avatars(session, [profile.user_id for profile in profiles])
    return [found[profile.user_id] for profile in profiles]


# Search results go by name; the id breaks ties (the key mesh.pager pages by).
SEARCH_ORDER = (Profile.search_name, Profile.user_id)


def search_players(session: Session, caller_id: str, search: domain.PlayerSearch, page_size: int,
                   page_token: str) -> pager.Page[Profile]:
    """One page of the findable players `search` matches, by name: never the caller, a player
    either of them blocked, a closed account or a profile without a name (deleted)."""
    blocked = select(Connection.user_id).where(
        Connection.status == ConnectionStatus.BLOCKED,
        or_(and_(Connection.user_id == caller_id, Connection.other_id == Profile.user_id),
            and_(Connection.user_id == Profile.user_id, Connection.other_id == caller_id)))
    query = select(Profile).where(Profile.findable.is_(True), Profile.closed_at.is_(None), Profile.search_name != "",
                                  Profile.user_id != caller_id, ~exists(blocked))
    for word in search.words:
        query = query.where(Profile.search_name.contains(word, autoescape=True))
    if search.city:
        query = query.where(Profile.city == search.city)
    # A player's level: match_svc's rating when there is one, else their own estimate.
    level = func.coalesce(Profile.match_level, Profile.skill_level)
    if search.by_level:  # only players who have a level can be within a range
        query = query.where(or_(Profile.skill_source != 0, Profile.match_level.is_not(None)))
    if search.min_level:
        query = query.where(level >= search.min_level)
    if search.max_level:
        query = query.where(level <= search.max_level)
    return pager.page(session, "players", query, SEARCH_ORDER, page_size, page_token)


def delete_connections_of(session: Session, user_id: str, *, blocks_on_them: bool = False) -> None:
    """Every row the player owns, and the other side of their requests and connections.

    Blocks other players set on them stay unless `blocks_on_them` (the account is gone): while the
    player is still around, those rows belong to the blockers.
    """
    theirs = Connection.other_id == user_id
    if not blocks_on_them:
        theirs = and_(theirs, Connection.status != ConnectionStatus.BLOCKED)
    session.execute(delete(Connection).where(or_(Connection.user_id == user_id, theirs)))


def record_venue_visit(session: Session, user_id: str, venue_id: str, at: dt.datetime) -> bool:
    """Remember that the player played at the venue; True when it is their first time there."""
    if session.get(VenueVisit, (user_id, venue_id)) is not None:
        return False
    session.add(VenueVisit(user_id=user_id, venue_id=venue_id, first_visit_at=at))
    session.flush()
    return True


def venue_visits_of(session: Session, user_id: str) -> list[VenueVisit]:
    return rows_of(session, VenueVisit.user_id, user_id, VenueVisit.first_visit_at, VenueVisit.venue_id)


def delete_venue_visits(session: Session, user_id: str) -> None:
    session.execute(delete(VenueVisit).where(VenueVisit.user_id == user_id))
