"""match_svc's pure rules: who may act on a match, which place a player may take, when a match on a
held court has filled, the padel score rules, and a questionnaire's starting level. No I/O: the use cases bring the rows and the clock."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Iterable

from mesh.caller import Caller
from mesh.errors import Conflict, FailedPrecondition, InvalidArgument, PermissionDenied

PLACES_PER_SIDE = 2
PLACES = 2 * PLACES_PER_SIDE
# Without a spread, a match takes players within half a level of its organiser.
DEFAULT_LEVEL_SPREAD = 0.5
# Where the parts of a venue-local day begin, for browsing by time of day.
AFTERNOON_STARTS, EVENING_STARTS = "12:00", "17:00"


class Kind(enum.StrEnum):
    COMPETITIVE = "competitive"
    FRIENDLY = "friendly"


class GenderMode(enum.StrEnum):
    OPEN = "open"
    WOMEN = "women"
    MEN = "men"
    MIXED = "mixed"


class Gender(enum.StrEnum):
    UNSPECIFIED = "unspecified"
    WOMAN = "woman"
    MAN = "man"


class Status(enum.StrEnum):
    OPEN = "open"
    FULL = "full"
    CANCELLED = "cancelled"
    # Opened on a free slot, it did not fill by its deadline: the court was given back.
    RELEASED = "released"


class Side(enum.StrEnum):
    A = "A"
    B = "B"


class ResultStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class LevelStart(enum.StrEnum):
    """Where a level started: the questionnaire, or the skill_level of the player's profile."""

    QUESTIONNAIRE = "questionnaire"
    PROFILE = "profile"


class TimeOfDay(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


@dataclass(frozen=True)
class CourtBooking:
    """The organiser's booking as booking_svc tells it: the court a match is played on."""

    booking_id: str
    player_id: str
    confirmed: bool
    venue_id: str
    venue_name: str
    city: str
    court_id: str
    court_name: str
    start_time: dt.datetime
    end_time: dt.datetime
    time_zone: str
    local_date: str
    local_start: str


@dataclass(frozen=True)
class Place:
    """A taken place: who, on which side, and their gender (for the gender modes)."""

    side: Side
    player_id: str
    gender: Gender


@dataclass(frozen=True)
class Slot:
    """A free court at a time, to hold for a match until it fills."""

    court_id: str
    start_time: dt.datetime
    duration_minutes: int


@dataclass(frozen=True)
class FillRule:
    """When a match on a held court has filled and its court is booked: `early_players` seated with more
    than `early_hours` to go, or `late_players` with more than `late_hours`; a match still short
    `late_hours` before play is released (its deadline, the hold's expiry)."""

    early_hours: float = 12.0
    early_players: int = 2
    late_hours: float = 3.0
    late_players: int = 3

    def deadline(self, start_time: dt.datetime) -> dt.datetime:
        return start_time - dt.timedelta(hours=self.late_hours)

    def filled(self, seated: int, start_time: dt.datetime, now: dt.datetime) -> bool:
        ahead = start_time - now
        if ahead > dt.timedelta(hours=self.early_hours):
            return seated >= self.early_players
        return ahead > dt.timedelta(hours=self.late_hours) and seated >= self.late_players

    def check_may_hold(self, start_time: dt.datetime, now: dt.datetime) -> None:
        # Compared as a span: the deadline of a start in year 1 is no date.
        if start_time - now <= dt.timedelta(hours=self.late_hours):
            raise InvalidArgument.field("slot.start_time", f"a match on a free court opens at least "
                                        f"{self.late_hours:g} h before play: book the court, then open the match on it")


def local_start_range(part: TimeOfDay) -> tuple[str, str]:
    """[from, to) of venue-local "HH:MM" start times in a part of the day."""
    return {TimeOfDay.MORNING: ("00:00", AFTERNOON_STARTS), TimeOfDay.AFTERNOON: (AFTERNOON_STARTS, EVENING_STARTS),
            TimeOfDay.EVENING: (EVENING_STARTS, "24:00")}[part]


def level_range(organiser_level: float, spread: float) -> tuple[float, float]:
    """The levels that may join without asking: the organiser's level ± spread, within 0–7."""
    spread = spread or DEFAULT_LEVEL_SPREAD
    return round(max(0.0, organiser_level - spread), 2), round(min(7.0, organiser_level + spread), 2)


def fits(level: float, low: float, high: float) -> bool:
    return low - 1e-9 <= level <= high + 1e-9


def check_may_open(caller: Caller, booking: CourtBooking, now: dt.datetime) -> None:
    if booking.player_id != caller.user_id:
        raise PermissionDenied("open a match only on a court you booked")
    if not booking.confirmed:
        raise FailedPrecondition("the booking is not confirmed: open the match once the court is yours")
    if booking.start_time <= now:
        raise FailedPrecondition("the booking has started already")


def check_organiser(caller: Caller, organiser_id: str) -> None:
    if caller.user_id != organiser_id:
        raise PermissionDenied("only the match's organiser may do this")


def check_before_start(start_time: dt.datetime, now: dt.datetime) -> None:
    if now >= start_time:
        raise FailedPrecondition("the match has started")


def check_open(status: Status, start_time: dt.datetime, now: dt.datetime,
               held_until: dt.datetime | None = None) -> None:
    """A match takes players until it starts, unless called off; a match on a held court only until
    its deadline."""
    check_not_called_off(status)
    if held_until is not None and now >= held_until:
        raise FailedPrecondition("the match did not fill in time: its court was given back", reason="MATCH_RELEASED")
    check_before_start(start_time, now)


def is_called_off(status: Status) -> bool:
    """A match cancelled, or released unfilled, is off: nobody plays it."""
    return status in (Status.CANCELLED, Status.RELEASED)


def check_not_called_off(status: Status) -> None:
    """A match called off, or released unfilled, is played by nobody."""
    if status == Status.CANCELLED:
        raise FailedPrecondition("the match was cancelled")
    if status == Status.RELEASED:
        raise FailedPrecondition("the match did not fill in time: its court was given back", reason="MATCH_RELEASED")


def check_not_in(places: Iterable[Place], player_id: str) -> None:
    if any(p.player_id == player_id for p in places):
        raise FailedPrecondition("you have a place in this match already")


# How many times one player may join or ask to join one match: its players are told each time.
MAX_TRIES = 3


def check_tries(times: int) -> None:
    """A player who joined and left (or asked and withdrew) again and again would have the match's
    players told each time."""
    if times > MAX_TRIES:
        raise FailedPrecondition(f"you joined or asked to join this match {MAX_TRIES} times already",
                                 reason="TOO_MANY_TRIES")


def may_play(mode: GenderMode, gender: Gender) -> bool:
    """Whether a player may play in the mode at all (which side: `free_place`)."""
    return gender in {GenderMode.OPEN: set(Gender), GenderMode.WOMEN: {Gender.WOMAN}, GenderMode.MEN: {Gender.MAN},
                      GenderMode.MIXED: {Gender.WOMAN, Gender.MAN}}[mode]


GENDER_RULES = {GenderMode.WOMEN: "a women's match is for women only",
                GenderMode.MEN: "a men's match is for men only",
                GenderMode.MIXED: "a mixed match is one woman and one man a side"}


def check_gender(mode: GenderMode, gender: Gender) -> None:
    if not may_play(mode, gender):
        raise FailedPrecondition(f"{GENDER_RULES[mode]}: set your gender (PUT /api/matches/players/me/gender) "
                                 "to play in it", reason="GENDER_MODE")


def free_place(places: Iterable[Place], wanted: Side | None, mode: GenderMode, gender: Gender) -> Side:
    """The side the player sits on: the one wanted, else the first with room. A full match, or a
    full side asked for, is a Conflict (someone else was faster). Mixed: one woman, one man a side; a
    place left free only for the other gender is the mode's rule (FailedPrecondition naming it)."""
    places = list(places)
    ruled_out = False
    for side in ([wanted] if wanted else [Side.A, Side.B]):
        on_side = [p for p in places if p.side == side]
        if len(on_side) >= PLACES_PER_SIDE:
            continue
        if mode == GenderMode.MIXED and any(p.gender == gender for p in on_side):
            ruled_out = True
            continue
        return side
    if ruled_out:
        raise FailedPrecondition(f"{GENDER_RULES[GenderMode.MIXED]}: the free place"
                                 f"{' on that side' if wanted else ''} is for a "
                                 f"{'man' if gender == Gender.WOMAN else 'woman'}", reason="GENDER_MODE")
    check_not_full(places)
    raise Conflict("no place you may take is free on that side", reason="SIDE_FULL")


def may_take_place(places: Iterable[Place], wanted: Side | None, mode: GenderMode, gender: Gender) -> bool:
    """Whether `free_place` has a place for the player: a request to join that has none any more ends."""
    try:
        free_place(places, wanted, mode, gender)
    except (Conflict, FailedPrecondition):
        return False
    return True


def check_not_full(places: Iterable[Place]) -> None:
    """A full match takes nobody: a place, or a request for one that could never be granted."""
    if len(list(places)) >= PLACES:
        raise Conflict("the match is full: another player took the last place", reason="MATCH_FULL")


def is_late(status: Status, start_time: dt.datetime, now: dt.datetime, cutoff: dt.timedelta) -> bool:
    """Leaving this close to the start counts as a late drop-out; leaving a match called off or
    released never does (nobody plays it: the leaver lets nobody down)."""
    return status in (Status.OPEN, Status.FULL) and now > start_time - cutoff


def winner_of(sets: list[tuple[int, int]]) -> Side:
    """The side that won a best-of-three score, or InvalidArgument naming the broken set.

    A set is won 6–0 … 6–4, 7–5, or 7–6 (the tie-break at 6–6); the match ends when a side has two sets.
    """
    if not 2 <= len(sets) <= 3:
        raise InvalidArgument.field("sets", "best of three: two or three sets")
    won = {Side.A: 0, Side.B: 0}
    for number, (a, b) in enumerate(sets):
        field = f"sets[{number}]"
        if won[Side.A] == 2 or won[Side.B] == 2:
            raise InvalidArgument.field(field, "the match was over after two sets won")
        high, low = max(a, b), min(a, b)
        finished = (high == 6 and low <= 4) or (high == 7 and low in (5, 6))
        if not finished:
            raise InvalidArgument.field(field, f"{a}–{b} is not a finished set (6 games with a 2-game lead, "
                                               "7–5, or 7–6 after the tie-break)")
        won[Side.A if a > b else Side.B] += 1
    if max(won.values()) < 2:
        raise InvalidArgument.field("sets", "no side won two sets")
    return Side.A if won[Side.A] == 2 else Side.B


def check_may_answer(caller_id: str, places: Iterable[Place], recorded_by: str) -> None:
    """Only the other side than the recorder confirms or disputes a result."""
    sides = {p.player_id: p.side for p in places}
    if caller_id not in sides:
        raise PermissionDenied("only the match's players may answer its result")
    if sides[caller_id] == sides.get(recorded_by):
        raise PermissionDenied("the other side confirms or disputes the result, not the recorder's")


def starting_level(years_played: int, other_racket_sports: bool, self_assessment: float) -> float:
    """A new player's level from the questionnaire: their own guess, capped by experience (one level
    a year played after the first, half a level more for another racket sport), within 0–7."""
    ceiling = 1.0 + years_played + (0.5 if other_racket_sports else 0.0)
    return round(min(7.0, max(0.0, min(self_assessment, ceiling))), 2)


def follows_profile(start: LevelStart, matches_counted: int) -> bool:
    """A level that started from the profile's skill_level follows it until a match moves it."""
    return start == LevelStart.PROFILE and not matches_counted


def check_seated(places: Iterable[Place], player_id: str) -> None:
    if not any(p.player_id == player_id for p in places):
        raise PermissionDenied("only the match's players may do this")


@dataclass(frozen=True)
class FoundPlayer:
    """A findable player as user_svc's search gives them to the caller."""

    player_id: str
    level: float  # the level user_svc knows: match_svc's when it has one, else their skill_level
    city_key: str  # their profile's city, lower-cased; "" when they have not said


@dataclass(frozen=True)
class Candidate:
    """A player who might fill a place, as the suggestion ranking reads them."""

    player_id: str
    level: float
    reliability: float
    city_key: str  # their profile's city, else their latest match's; "" when neither is known
    last_active_at: dt.datetime | None  # None: never joined a match nor had a level moved
    matches_played: int
    no_shows: int
    late_drop_outs: int


# How far outside the range a suggestion may be, in levels (beyond, the level fit is 0).
SUGGESTION_LEVEL_REACH = 1.0
# A player active this long ago counts as inactive.
SUGGESTION_ACTIVITY_DAYS = 60


def suggestion_score(candidate: Candidate, low: float, high: float, city_key: str, now: dt.datetime) -> float:
    """0 to 1: level fit 0.5 (1 inside the range, falling to 0 a level outside), same city 0.2, recent
    activity 0.15 (falling to 0 over 60 days; 0 for a player never active in a match), turning up 0.15
    (the share of their matches played, not missed or left late; 0.5 for a player with no record yet)."""
    distance = max(0.0, low - candidate.level, candidate.level - high)
    level_fit = max(0.0, 1.0 - distance / SUGGESTION_LEVEL_REACH)
    activity = 0.0
    if candidate.last_active_at is not None:
        days = (now - candidate.last_active_at).total_seconds() / 86400
        activity = min(1.0, max(0.0, 1.0 - days / SUGGESTION_ACTIVITY_DAYS))
    booked = candidate.matches_played + candidate.no_shows + candidate.late_drop_outs
    turning_up = candidate.matches_played / booked if booked else 0.5
    return round(0.5 * level_fit + 0.2 * same_city(candidate, city_key) + 0.15 * activity + 0.15 * turning_up, 6)


def same_city(candidate: Candidate, city_key: str) -> bool:
    return bool(city_key) and candidate.city_key == city_key


@dataclass(frozen=True)
class Suggestion:
    """A candidate with their rank's score, as a match's players see it."""

    candidate: Candidate
    score: float
    same_city: bool
