"""user_svc's rules, pure: profile and preference updates (field masks, city and skill
consistency, defaults), the erasure of a person, connection states and who may deal with whom, what
a player search looks for, and who a booking counts for.

No I/O here: the rules read and change the attributes of the rows they are given (a profile, a
preferences row) and raise `mesh.errors` exceptions naming the field at fault. Enum-valued fields
hold the contract's enum numbers, stored as they are (`buf breaking` keeps them stable); the few
numbers the rules need are named below.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from mesh.caller import Caller
from mesh.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from mesh.settings import DEFAULT_TIME_ZONE

# The contract's numbers the rules need (padel.user.v1 City, SkillSource, Language, Channel,
# NotificationKind).
CITY_OTHER = 8
SKILL_SOURCE_SELF_ASSESSED = 1
LANGUAGE_EN = 1
CHANNEL_EMAIL = 1
NOTIFICATION_KIND_BOOKING_CONFIRMATIONS, NOTIFICATION_KIND_REMINDERS, NOTIFICATION_KIND_MATCH_INVITES = 1, 2, 3
NOTIFICATION_KIND_CONNECTIONS = 5

DEFAULT_LANGUAGE = LANGUAGE_EN
DEFAULT_CHANNELS = (CHANNEL_EMAIL,)
# Marketing stays off until the player opts in.
DEFAULT_KINDS = (NOTIFICATION_KIND_BOOKING_CONFIRMATIONS, NOTIFICATION_KIND_REMINDERS,
                 NOTIFICATION_KIND_MATCH_INVITES, NOTIFICATION_KIND_CONNECTIONS)

PROFILE_WRITABLE = ("display_name", "bio", "city", "city_other", "skill_level", "play_frequency",
                    "preferred_play_times", "preferred_hand", "court_side", "findable")
PROFILE_READ_ONLY = ("user_id", "skill_source", "avatar_url", "stats", "created_at", "updated_at")
PREFERENCES_WRITABLE = ("language", "channels", "kinds", "quiet_hours_start", "quiet_hours_end", "time_zone")

# What an erasure leaves of a profile: every personal field and statistic back to empty, and the
# findable setting back to its default.
ERASED_PROFILE = {"display_name": "", "bio": "", "city": 0, "city_other": "", "skill_level": 0.0, "skill_source": 0,
                  "play_frequency": 0, "preferred_play_times": [], "preferred_hand": 0, "court_side": 0,
                  "matches_played": 0, "minutes_on_court": 0, "venues_visited": 0, "no_shows": 0, "findable": True,
                  "match_level": None, "level_reliability": None, "level_updated_at": None}
# At most this many words of a search query count: enough for any name.
MAX_SEARCH_WORDS = 5

UNKNOWN_PLAYER = "no player with this id"
ACCOUNT_CLOSED = "this account was deleted"


class ConnectionStatus(enum.StrEnum):
    """A connection row as its owner sees it; one row per direction."""

    PENDING_OUTGOING = "pending_outgoing"
    PENDING_INCOMING = "pending_incoming"
    CONNECTED = "connected"
    BLOCKED = "blocked"


# What an unfiltered listing shows: blocks only appear when asked for by status.
LISTED_BY_DEFAULT = (ConnectionStatus.PENDING_OUTGOING, ConnectionStatus.PENDING_INCOMING,
                     ConnectionStatus.CONNECTED)


@dataclass(frozen=True)
class PlayerSearch:
    """What a player search looks for: every word in the name, a city, a level range (0: no bound)."""

    words: tuple[str, ...]
    city: int
    min_level: float
    max_level: float

    @property
    def by_level(self) -> bool:
        return bool(self.min_level or self.max_level)


@dataclass(frozen=True)
class PlayedBooking:
    """A booking that was played (or missed), as its players' statistics see it."""

    player_id: str
    participant_ids: tuple[str, ...]
    venue_id: str
    minutes: int


@dataclass(frozen=True)
class MatchLevel:
    """A player's level as match_svc rated it at `at` (its LevelChanged / StartingLevelSet events)."""

    level: float
    reliability: float
    at: dt.datetime


# -- profiles and preferences ---------------------------------------------------------------------


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


def apply_profile_changes(profile: Any, paths: Sequence[str], values: dict[str, Any]) -> None:
    """Copy the masked `values` onto `profile`, keeping the city and skill fields consistent."""
    paths = check_mask(paths, PROFILE_WRITABLE, PROFILE_READ_ONLY)
    for path in paths:
        value = values[path]
        setattr(profile, path, value.strip() if isinstance(value, str) else value)
    if "display_name" in paths:
        profile.display_name_chosen = True  # a late UserRegistered must not overwrite it
    if "skill_level" in paths:
        profile.skill_source = SKILL_SOURCE_SELF_ASSESSED
    if profile.city != CITY_OTHER:
        if "city_other" in paths and profile.city_other:
            raise InvalidArgument.field("profile.city_other", "only with city CITY_OTHER")
        profile.city_other = ""
    elif not profile.city_other:
        raise InvalidArgument.field("profile.city_other", "name the city when city is CITY_OTHER")


def apply_registration(profile: Any, display_name: str, now: dt.datetime) -> None:
    """The account's name becomes the display name, unless the player chose one (or is gone)."""
    if profile.closed_at is None and not profile.display_name_chosen:
        profile.display_name = display_name.strip()[:60]
        profile.updated_at = now


def apply_match_level(profile: Any, level: MatchLevel) -> None:
    """match_svc's level shows on the profile, unless the profile holds a newer one (an event handled
    late) or was erased after it; a closed account takes none."""
    newer = [moment for moment in (profile.level_updated_at, profile.deleted_at) if moment is not None]
    if profile.closed_at is not None or any(moment > level.at for moment in newer):
        return
    profile.match_level, profile.level_reliability, profile.level_updated_at = level.level, level.reliability, level.at


def erase_profile(profile: Any, now: dt.datetime, *, account_closed: bool) -> None:
    """Empty the profile row; a closed account's row becomes a tombstone (`closed_at`)."""
    for name, value in ERASED_PROFILE.items():
        setattr(profile, name, value)
    profile.display_name_chosen = True  # a late UserRegistered must not bring the name back
    profile.deleted_at = profile.updated_at = now
    if account_closed:
        profile.closed_at = now


def apply_preference_changes(preferences: Any, paths: Sequence[str], values: dict[str, Any]) -> None:
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


def preference_values(preferences: Any) -> tuple:
    """Everything a PreferencesChanged carries, to tell whether an update changed anything."""
    return (preferences.language, list(preferences.channels), list(preferences.kinds),
            preferences.quiet_hours_start, preferences.quiet_hours_end, preferences.time_zone)


def check_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidArgument.field("preferences.time_zone", f"unknown IANA time zone {name!r}") from None


# -- who may deal with whom -----------------------------------------------------------------------


def is_gone(profile: Any | None) -> bool:
    """No such player for anyone else: never heard of, or their account was closed."""
    return profile is None or profile.closed_at is not None


def check_account_open(profile: Any) -> None:
    """The caller's own profile is theirs to use until their account is closed."""
    if profile.closed_at is not None:
        raise NotFound(ACCOUNT_CLOSED)


def check_other_player(caller: Caller, user_id: str, other: Any | None) -> None:
    """The caller may deal with the player they name: someone else, who is still around."""
    if user_id == caller.user_id:
        raise InvalidArgument.field("user_id", "that is you")
    if is_gone(other):
        raise NotFound(UNKNOWN_PLAYER)


def check_may_see(other: Any | None, blocked_between: bool) -> None:
    """Another player's profile is hidden when they are gone or either blocked the other."""
    if is_gone(other) or blocked_between:
        raise NotFound(UNKNOWN_PLAYER)


def check_may_request(mine: ConnectionStatus | None, blocked_between: bool) -> None:
    """A request needs no block either way; the caller learns only of their own block."""
    if mine == ConnectionStatus.BLOCKED:
        raise FailedPrecondition("you blocked this player; unblock them first")
    if blocked_between:
        raise NotFound(UNKNOWN_PLAYER)  # they blocked the caller, who must not learn it


def check_may_accept(mine: ConnectionStatus | None) -> None:
    """A request received can be accepted; accepting again changes nothing."""
    if mine not in (ConnectionStatus.PENDING_INCOMING, ConnectionStatus.CONNECTED):
        raise NotFound("no connection request from this player")


def check_may_decline(mine: ConnectionStatus | None) -> None:
    if mine != ConnectionStatus.PENDING_INCOMING:
        raise NotFound("no connection request from this player")


def check_may_remove(mine: ConnectionStatus | None) -> None:
    """A connection or a request either way can be removed; a block only by unblocking."""
    if mine is None or mine == ConnectionStatus.BLOCKED:
        raise NotFound("no connection or request with this player")


def check_may_unblock(mine: ConnectionStatus | None) -> None:
    if mine != ConnectionStatus.BLOCKED:
        raise NotFound("this player is not blocked")


def listed_statuses(status: ConnectionStatus | None) -> tuple[ConnectionStatus, ...]:
    return (status,) if status else LISTED_BY_DEFAULT


def check_may_check_blocks(caller: Caller, user_id: str, other_id: str) -> None:
    """Whether a block stands between two players is theirs and the admins' to ask."""
    if user_id == other_id:
        raise InvalidArgument.field("other_id", "name two different players")
    if not caller.is_admin and caller.user_id not in (user_id, other_id):
        raise PermissionDenied("only the two players concerned or an admin may ask")


def block_answer(caller: Caller, user_id: str, user_blocked_other: bool, other_blocked_user: bool) -> bool:
    """Whether a block stands between the two, as the caller may learn it: an admin learns either
    block; one of the two learns of their own block, and one set against them hides the other
    player as everywhere else (NotFound)."""
    if caller.is_admin:
        return user_blocked_other or other_blocked_user
    own, against = ((user_blocked_other, other_blocked_user) if caller.user_id == user_id
                    else (other_blocked_user, user_blocked_other))
    if against and not own:
        raise NotFound(UNKNOWN_PLAYER)
    return own


# -- finding players ------------------------------------------------------------------------------


def search_key(text: str) -> str:
    """`text` as searches compare it: accents and other combining marks dropped, case folded,
    spaces collapsed ("  Zára  KHAN" → "zara khan"). Done in Python, stored beside the name, so
    SQLite and PostgreSQL match the same way without extensions."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def player_search(query: str, city: int, min_level: float, max_level: float) -> PlayerSearch:
    """The search asked for; it must narrow by something, so nobody lists every player at once."""
    words = tuple(dict.fromkeys(search_key(query).split()))[:MAX_SEARCH_WORDS]
    if not (words or city or min_level or max_level):
        raise InvalidArgument.field("query", "say whom to look for: a name, a city or a level")
    if min_level and max_level and min_level > max_level:
        raise InvalidArgument.field("max_level", "must not be below min_level")
    return PlayerSearch(words, city, min_level, max_level)


# -- statistics -----------------------------------------------------------------------------------


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
