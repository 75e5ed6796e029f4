"""user_svc's rules: profiles (field-mask updates, public part), preferences, avatars,
connections and blocks, playing statistics and a player's own data (export, deletion).

`UserBook` is the service layer the servicer and the event handlers call: each method is one
transaction. No grpc and no SQL strings here; queries live in `store`, protobuf in `convert`.
Enum values are the contract's numbers (`user_pb2` constants), stored as they are.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from padel.user.v1 import user_pb2
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mesh.db import Database, after_commit
from mesh.errors import FailedPrecondition, InvalidArgument, NotFound
from user_svc import avatars, events, store
from user_svc.blobs import BlobStore
from user_svc.store import ConnectionStatus

DEFAULT_TIME_ZONE = "Asia/Karachi"
DEFAULT_LANGUAGE = user_pb2.LANGUAGE_EN
DEFAULT_CHANNELS = (user_pb2.CHANNEL_EMAIL,)
# Marketing stays off until the player opts in.
DEFAULT_KINDS = (user_pb2.NOTIFICATION_KIND_BOOKING_CONFIRMATIONS, user_pb2.NOTIFICATION_KIND_REMINDERS,
                 user_pb2.NOTIFICATION_KIND_MATCH_INVITES)

PROFILE_WRITABLE = ("display_name", "bio", "city", "city_other", "skill_level", "play_frequency",
                    "preferred_play_times", "preferred_hand", "court_side")
PROFILE_READ_ONLY = ("user_id", "skill_source", "avatar_url", "stats", "created_at", "updated_at")
PREFERENCES_WRITABLE = ("language", "channels", "kinds", "quiet_hours_start", "quiet_hours_end", "time_zone")

# What an unfiltered listing shows: blocks only appear when asked for by status.
LISTED_BY_DEFAULT = (ConnectionStatus.PENDING_OUTGOING, ConnectionStatus.PENDING_INCOMING,
                     ConnectionStatus.CONNECTED)
DEFAULT_PAGE_SIZE = 20

UNKNOWN_PLAYER = "no player with this id"
ACCOUNT_CLOSED = "this account was deleted"

log = logging.getLogger("padel.user")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- pure rules -----------------------------------------------------------------------------------


def check_mask(paths: Sequence[str], writable: Sequence[str], read_only: Sequence[str] = ()) -> list[str]:
    """The mask's paths if every one names a writable field; InvalidArgument on `update_mask` if not."""
    if not paths:
        raise InvalidArgument.field("update_mask", f"name at least one field to change: {', '.join(writable)}")
    for path in paths:
        if path in read_only or path.split(".")[0] in read_only:
            raise InvalidArgument.field("update_mask", f"{path!r} is read-only")
        if path not in writable:
            raise InvalidArgument.field("update_mask", f"unknown field {path!r}; writable: {', '.join(writable)}")
    return list(dict.fromkeys(paths))


def apply_profile_changes(profile: store.Profile, paths: Sequence[str], values: dict[str, Any]) -> None:
    """Copy the masked `values` onto `profile`, keeping the city and skill fields consistent."""
    paths = check_mask(paths, PROFILE_WRITABLE, PROFILE_READ_ONLY)
    for path in paths:
        value = values[path]
        setattr(profile, path, value.strip() if isinstance(value, str) else value)
    if "display_name" in paths:
        profile.display_name_chosen = True  # a late UserRegistered must not overwrite it
    if "skill_level" in paths:
        profile.skill_source = user_pb2.SKILL_SOURCE_SELF_ASSESSED
    if profile.city != user_pb2.CITY_OTHER:
        if "city_other" in paths and profile.city_other:
            raise InvalidArgument.field("profile.city_other", "only with city CITY_OTHER")
        profile.city_other = ""
    elif not profile.city_other:
        raise InvalidArgument.field("profile.city_other", "name the city when city is CITY_OTHER")


def apply_preference_changes(preferences: store.Preferences, paths: Sequence[str], values: dict[str, Any]) -> None:
    """Copy the masked `values` onto `preferences`; zero values mean the defaults."""
    for path in check_mask(paths, PREFERENCES_WRITABLE):
        value = values[path]
        if path == "language":
            value = value or DEFAULT_LANGUAGE
        elif path == "time_zone":
            value = value.strip() or DEFAULT_TIME_ZONE
            check_time_zone(value)
        elif path in ("channels", "kinds"):
            value = list(value)
        setattr(preferences, path, value)
    if bool(preferences.quiet_hours_start) != bool(preferences.quiet_hours_end):
        missing = "quiet_hours_end" if preferences.quiet_hours_start else "quiet_hours_start"
        raise InvalidArgument.field(f"preferences.{missing}", "quiet hours need both a start and an end (HH:MM)")
    if preferences.quiet_hours_start and preferences.quiet_hours_start == preferences.quiet_hours_end:
        raise InvalidArgument.field("preferences.quiet_hours_end", "must differ from quiet_hours_start")


def preference_values(preferences: store.Preferences) -> tuple:
    """Everything a PreferencesChanged carries, to tell whether an update changed anything."""
    return (preferences.language, list(preferences.channels), list(preferences.kinds),
            preferences.quiet_hours_start, preferences.quiet_hours_end, preferences.time_zone)


def check_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidArgument.field("preferences.time_zone", f"unknown IANA time zone {name!r}") from None


def encode_page_token(created_at: dt.datetime, other_id: str) -> str:
    raw = f"{created_at.isoformat()}|{other_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(token: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        created_at, other_id = raw.split("|", 1)
        when = dt.datetime.fromisoformat(created_at)
        if when.tzinfo is None:
            raise ValueError("naive")
        return when, str(uuid.UUID(other_id))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidArgument.field("page_token", "not a token from a previous page") from None


def players_of_booking(player_id: str, participant_ids: Iterable[str]) -> list[str]:
    """Everyone a booking counts for: the booker and each participant, once each.

    Ids that are not UUIDs cannot be accounts; skipping them keeps one bad event from failing forever.
    """
    return [p for p in dict.fromkeys([player_id, *participant_ids]) if is_user_id(p)]


def is_user_id(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


# -- views returned to the servicer ---------------------------------------------------------------


@dataclass(frozen=True)
class ProfileView:
    profile: store.Profile
    avatar_url: str


@dataclass(frozen=True)
class ConnectionView:
    connection: store.Connection
    other: ProfileView


@dataclass(frozen=True)
class ConnectionPage:
    connections: list[ConnectionView]
    next_page_token: str


@dataclass(frozen=True)
class ExportedData:
    profile: ProfileView
    preferences: store.Preferences
    connections: list[ConnectionView]


# -- the service layer ----------------------------------------------------------------------------


def default_preferences(user_id: str, now: dt.datetime) -> store.Preferences:
    return store.Preferences(user_id=user_id, language=DEFAULT_LANGUAGE, channels=list(DEFAULT_CHANNELS),
                             kinds=list(DEFAULT_KINDS), quiet_hours_start="", quiet_hours_end="",
                             time_zone=DEFAULT_TIME_ZONE, updated_at=now)


def known_profile(session: Session, user_id: str, *, with_preferences: bool = True) -> store.Profile:
    """The player's profile row (a closed account's tombstone included), created if this is the
    first we hear of them: with default preferences, announced, unless `with_preferences` is off.

    A concurrent creation (the event and a first call at once) loses on the primary key inside a
    savepoint and reads the winner's row.
    """
    profile = store.get_profile(session, user_id)
    if profile is not None:
        return profile
    now = _now()
    try:
        with session.begin_nested():
            profile = store.Profile(user_id=user_id, display_name="", display_name_chosen=False, bio="", city=0,
                                    city_other="", skill_level=0.0, skill_source=0, play_frequency=0,
                                    preferred_play_times=[], preferred_hand=0, court_side=0, matches_played=0,
                                    minutes_on_court=0, venues_visited=0, no_shows=0, created_at=now,
                                    updated_at=now)
            session.add(profile)
            session.flush()
            if with_preferences:
                preferences = default_preferences(user_id, now)
                session.add(preferences)
                session.flush()
                events.preferences_changed(session, preferences)
    except IntegrityError:
        profile = store.get_profile(session, user_id)
        if profile is None:
            raise
    return profile


def ensure_profile(session: Session, user_id: str, *, for_update: bool = False) -> store.Profile:
    """The caller's own profile, created on first use; NotFound once their account is closed.

    `for_update` locks the row first: the changes of one player (and the erasure) take turns.
    """
    profile = known_profile(session, user_id)
    if for_update:
        profile = store.get_profile(session, user_id, for_update=True)
    if profile.closed_at is not None:
        raise NotFound(ACCOUNT_CLOSED)
    return profile


def is_gone(profile: store.Profile | None) -> bool:
    """No such player for anyone else: never heard of, or their account was closed."""
    return profile is None or profile.closed_at is not None


class UserBook:
    """Every use case of user_svc, one transaction each."""

    def __init__(self, database: Database, blobs: BlobStore, avatar_base_url: str):
        self.database = database
        self.blobs = blobs
        self.avatar_base_url = avatar_base_url

    # -- profiles --

    def _view(self, session: Session, profile: store.Profile) -> ProfileView:
        avatar = store.get_avatar(session, profile.user_id)
        return self._with_avatar(profile, avatar.file_name if avatar else None)

    def _with_avatar(self, profile: store.Profile, avatar_file: str | None) -> ProfileView:
        return ProfileView(profile, self.avatar_base_url + avatar_file if avatar_file else "")

    def get_profile(self, user_id: str) -> ProfileView:
        with self.database.session() as session:
            return self._view(session, ensure_profile(session, user_id))

    def update_profile(self, user_id: str, paths: Sequence[str], values: dict[str, Any]) -> ProfileView:
        with self.database.session() as session:
            profile = ensure_profile(session, user_id, for_update=True)
            apply_profile_changes(profile, paths, values)
            profile.updated_at = _now()
            return self._view(session, profile)

    def get_user(self, caller_id: str, user_id: str) -> ProfileView:
        """Another player's profile (its public part is the servicer's to pick); blocks hide it."""
        with self.database.session() as session:
            if user_id == caller_id:
                return self._view(session, ensure_profile(session, caller_id))
            profile = store.get_profile(session, user_id)
            if is_gone(profile) or store.is_blocked_between(session, caller_id, user_id):
                raise NotFound(UNKNOWN_PLAYER)
            return self._view(session, profile)

    # -- preferences --

    def get_preferences(self, user_id: str) -> store.Preferences:
        with self.database.session() as session:
            ensure_profile(session, user_id)
            return store.get_preferences(session, user_id)

    def update_preferences(self, user_id: str, paths: Sequence[str], values: dict[str, Any]) -> store.Preferences:
        with self.database.session() as session:
            ensure_profile(session, user_id, for_update=True)  # serialises updates of one player
            preferences = store.get_preferences(session, user_id)
            before = preference_values(preferences)
            apply_preference_changes(preferences, paths, values)
            if preference_values(preferences) != before:
                preferences.updated_at = _now()
                events.preferences_changed(session, preferences)
            return preferences

    # -- avatars --

    def upload_avatar(self, user_id: str, image: bytes) -> str:
        """Store the re-encoded image and return its URL; the previous file is deleted.

        Uploads of one player take turns on their profile row: each finds the avatar the one
        before it committed and replaces it, so every upload succeeds and the last one wins. The
        file is written first (a committed row always points at an existing file) and removed
        again if the row is not committed; a replaced file goes once the new row is committed.
        """
        processed = avatars.process(image)
        file_name = f"{user_id}-{uuid.uuid4().hex[:12]}.{processed.extension}"
        self.blobs.put(file_name, processed.data)
        try:
            with self.database.session() as session:
                profile = ensure_profile(session, user_id, for_update=True)
                avatar = store.get_avatar(session, user_id)
                if avatar is None:
                    avatar = store.Avatar(user_id=user_id)
                    session.add(avatar)
                else:
                    self._remove_file_after_commit(session, avatar.file_name)
                avatar.file_name = file_name
                avatar.content_type = processed.content_type
                avatar.source_format = processed.source_format
                avatar.width, avatar.height = processed.width, processed.height
                avatar.size_bytes = len(processed.data)
                avatar.created_at = profile.updated_at = _now()
        except BaseException:
            self.blobs.delete(file_name)
            raise
        return self.avatar_base_url + file_name

    def _remove_file_after_commit(self, session: Session, file_name: str) -> None:
        """The avatar file no row names once this transaction commits goes then (it stays if the
        transaction rolls back: the row still names it)."""

        def remove() -> None:
            try:
                self.blobs.delete(file_name)
            except Exception:  # noqa: BLE001 - the change is committed; a stray file is served to nobody
                log.exception("avatar file %s could not be removed", file_name)

        after_commit(session, remove)

    def get_avatar(self, file_name: str) -> tuple[bytes, str]:
        """The bytes and content type of a player's current avatar, by the file name in its URL.

        Only the file the profile points at now is served: a replaced or deleted avatar is gone
        even if removing its file failed."""
        user_id = file_name.rsplit("-", 1)[0]  # names are "<user_id>-<random>.<extension>"
        with self.database.session() as session:
            avatar = store.get_avatar(session, user_id)
            content_type = avatar.content_type if avatar and avatar.file_name == file_name else None
        data = self.blobs.get(file_name) if content_type else None
        if data is None:
            raise NotFound("no such avatar")
        return data, content_type

    # -- connections --

    def _other_player(self, session: Session, caller_id: str, user_id: str) -> store.Profile:
        """The player the caller names, if they may deal with each other at all."""
        if user_id == caller_id:
            raise InvalidArgument.field("user_id", "that is you")
        other = store.get_profile(session, user_id)
        if is_gone(other):
            raise NotFound(UNKNOWN_PLAYER)
        return other

    def _connection_view(self, session: Session, connection: store.Connection, other: store.Profile) -> ConnectionView:
        return ConnectionView(connection, self._view(session, other))

    def request_connection(self, caller_id: str, user_id: str) -> ConnectionView:
        """Ask to connect; asking again changes nothing, and a request the other sent is accepted."""
        with self.database.session() as session:
            ensure_profile(session, caller_id)
            other = self._other_player(session, caller_id, user_id)
            mine = store.get_connection(session, caller_id, user_id)
            if mine is not None and mine.status == ConnectionStatus.BLOCKED:
                raise FailedPrecondition("you blocked this player; unblock them first")
            if store.is_blocked_between(session, caller_id, user_id):
                raise NotFound(UNKNOWN_PLAYER)  # they blocked the caller, who must not learn it
            now = _now()
            if mine is None:
                mine = store.Connection(user_id=caller_id, other_id=user_id,
                                        status=ConnectionStatus.PENDING_OUTGOING, created_at=now, updated_at=now)
                session.add(mine)
                session.add(store.Connection(user_id=user_id, other_id=caller_id,
                                             status=ConnectionStatus.PENDING_INCOMING, created_at=now,
                                             updated_at=now))
            elif mine.status == ConnectionStatus.PENDING_INCOMING:
                self._connect(session, caller_id, user_id, now)
            return self._connection_view(session, mine, other)

    def _connect(self, session: Session, a: str, b: str, now: dt.datetime) -> None:
        for owner, other in ((a, b), (b, a)):
            row = store.get_connection(session, owner, other)
            row.status, row.updated_at = ConnectionStatus.CONNECTED, now

    def accept_connection(self, caller_id: str, user_id: str) -> ConnectionView:
        with self.database.session() as session:
            other = self._other_player(session, caller_id, user_id)
            mine = store.get_connection(session, caller_id, user_id)
            if mine is None or mine.status not in (ConnectionStatus.PENDING_INCOMING, ConnectionStatus.CONNECTED):
                raise NotFound("no connection request from this player")
            if mine.status == ConnectionStatus.PENDING_INCOMING:
                self._connect(session, caller_id, user_id, _now())
            return self._connection_view(session, mine, other)

    def decline_connection(self, caller_id: str, user_id: str) -> None:
        with self.database.session() as session:
            self._other_player(session, caller_id, user_id)
            mine = store.get_connection(session, caller_id, user_id)
            if mine is None or mine.status != ConnectionStatus.PENDING_INCOMING:
                raise NotFound("no connection request from this player")
            store.delete_connection_pair(session, caller_id, user_id)

    def remove_connection(self, caller_id: str, user_id: str) -> None:
        with self.database.session() as session:
            self._other_player(session, caller_id, user_id)
            mine = store.get_connection(session, caller_id, user_id)
            if mine is None or mine.status == ConnectionStatus.BLOCKED:
                raise NotFound("no connection or request with this player")
            store.delete_connection_pair(session, caller_id, user_id)

    def block_user(self, caller_id: str, user_id: str) -> None:
        """Block: any request or connection between the two ends, and each is hidden from the other."""
        with self.database.session() as session:
            ensure_profile(session, caller_id)
            self._other_player(session, caller_id, user_id)
            mine = store.get_connection(session, caller_id, user_id)
            if mine is not None and mine.status == ConnectionStatus.BLOCKED:
                return
            store.delete_connection_pair(session, caller_id, user_id)
            now = _now()
            session.add(store.Connection(user_id=caller_id, other_id=user_id, status=ConnectionStatus.BLOCKED,
                                         created_at=now, updated_at=now))

    def unblock_user(self, caller_id: str, user_id: str) -> None:
        with self.database.session() as session:
            self._other_player(session, caller_id, user_id)
            mine = store.get_connection(session, caller_id, user_id)
            if mine is None or mine.status != ConnectionStatus.BLOCKED:
                raise NotFound("this player is not blocked")
            session.delete(mine)

    def list_connections(self, caller_id: str, status: ConnectionStatus | None, page_size: int,
                         page_token: str) -> ConnectionPage:
        after = decode_page_token(page_token) if page_token else None
        size = page_size or DEFAULT_PAGE_SIZE
        statuses = (status,) if status else LISTED_BY_DEFAULT
        with self.database.session() as session:
            ensure_profile(session, caller_id)
            rows = store.list_connections(session, caller_id, statuses, after=after, limit=size + 1)
            views = [ConnectionView(c, self._with_avatar(p, avatar)) for c, p, avatar in rows[:size]]
        token = ""
        if len(rows) > size:
            last = views[-1].connection
            token = encode_page_token(last.created_at, last.other_id)
        return ConnectionPage(views, token)

    # -- statistics (from booking events) --

    def get_stats(self, user_id: str) -> store.Profile:
        with self.database.session() as session:
            return ensure_profile(session, user_id)

    @staticmethod
    def record_completed_booking(session: Session, player_id: str, participant_ids: Iterable[str], venue_id: str,
                                 minutes: int) -> None:
        """A played booking counts once for each of its players (the event id guards redelivery)."""
        now = _now()
        for user_id in players_of_booking(player_id, participant_ids):
            profile = known_profile(session, user_id)
            if profile.closed_at is not None:
                continue  # a game they played before closing their account counts for nobody
            # SQL-side increments: replicas consuming at once never lose a count.
            profile.matches_played = store.Profile.matches_played + 1
            profile.minutes_on_court = store.Profile.minutes_on_court + max(minutes, 0)
            if venue_id and store.record_venue_visit(session, user_id, venue_id, now):
                profile.venues_visited = store.Profile.venues_visited + 1
            session.flush()

    @staticmethod
    def record_no_show(session: Session, player_id: str, participant_ids: Iterable[str]) -> None:
        """Nobody came: the booking counts as missed for each of its players."""
        for user_id in players_of_booking(player_id, participant_ids):
            profile = known_profile(session, user_id)
            if profile.closed_at is not None:
                continue
            profile.no_shows = store.Profile.no_shows + 1
            session.flush()

    @staticmethod
    def record_registration(session: Session, user_id: str, display_name: str) -> None:
        """The account exists: make the profile, and name it unless the player already chose a name."""
        if not is_user_id(user_id):
            return  # not an account id: nothing to make, and retrying would not help
        profile = known_profile(session, user_id)
        if profile.closed_at is None and not profile.display_name_chosen:
            profile.display_name = display_name.strip()[:60]
            profile.updated_at = _now()

    # -- the player's own data --

    def export_data(self, user_id: str) -> ExportedData:
        with self.database.session() as session:
            profile = ensure_profile(session, user_id)
            rows = store.list_connections(session, user_id, list(ConnectionStatus))
            return ExportedData(self._view(session, profile), store.get_preferences(session, user_id),
                                [ConnectionView(c, self._with_avatar(p, avatar)) for c, p, avatar in rows])

    def delete_profile(self, user_id: str) -> None:
        """DeleteProfile: the player's own erasure; their account, and so an empty profile, stays."""
        with self.database.session() as session:
            self._erase(session, ensure_profile(session, user_id, for_update=True), account_closed=False)

    def close_account(self, session: Session, user_id: str) -> None:
        """AccountDeleted (in the consumer's transaction): everything about the person goes, and the
        empty row stays as a tombstone, so a redelivered or late event finds it and changes nothing."""
        if not is_user_id(user_id):
            return  # not an account id: nothing to erase, and retrying would not help
        known_profile(session, user_id, with_preferences=False)
        profile = store.get_profile(session, user_id, for_update=True)
        if profile.closed_at is None:
            self._erase(session, profile, account_closed=True)

    def _erase(self, session: Session, profile: store.Profile, *, account_closed: bool) -> None:
        """The one erasure of a person's data, for both paths, in the caller's transaction (the
        profile row locked): personal fields, stats, visits, the avatar (its file once the
        transaction commits), requests and connections both ways and preferences; ProfileDeleted
        tells notify to forget them too.

        A deleted profile keeps the account: preferences start again from the defaults and blocks
        other players set on them stay (deleting the profile is no way out of a block). A closed
        account keeps nothing: no preferences, no block either way, and `closed_at` makes the
        empty row a tombstone that calls (NotFound) and later events cannot fill again.
        """
        user_id, now = profile.user_id, _now()
        for name, value in (("display_name", ""), ("bio", ""), ("city", 0), ("city_other", ""),
                            ("skill_level", 0.0), ("skill_source", 0), ("play_frequency", 0),
                            ("preferred_play_times", []), ("preferred_hand", 0), ("court_side", 0),
                            ("matches_played", 0), ("minutes_on_court", 0), ("venues_visited", 0),
                            ("no_shows", 0)):
            setattr(profile, name, value)
        profile.display_name_chosen = True  # a late UserRegistered must not bring the name back
        profile.deleted_at = profile.updated_at = now
        if account_closed:
            profile.closed_at = now
        avatar = store.get_avatar(session, user_id)
        if avatar is not None:
            session.delete(avatar)
            self._remove_file_after_commit(session, avatar.file_name)
        store.delete_connections_of(session, user_id, blocks_on_them=account_closed)
        store.delete_venue_visits(session, user_id)
        preferences = store.get_preferences(session, user_id)
        if preferences is not None:
            session.delete(preferences)
            session.flush()
        if not account_closed:
            session.add(default_preferences(user_id, now))
        events.profile_deleted(session, user_id)
