"""Levels: where a level starts (the questionnaire, else the skill_level of the player's profile),
the level and its history, and moving the four levels of a confirmed competitive match with the
rating model (match_svc.rating)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from match_svc import domain, events, rating, store
from match_svc.domain import Gender, Kind, LevelStart, Side
from mesh import pager
from mesh.caller import Caller
from mesh.clock import Clock
from mesh.db import UnitOfWork
from mesh.errors import Conflict, FailedPrecondition, NotFound


class Profiles(Protocol):
    """Profiles' skill_level (user_svc, asked as the caller); None if not given."""

    def self_assessed_level(self, caller: Caller) -> float | None: ...

    def shown_level(self, caller: Caller, player_id: str) -> float | None:
        """The skill_level `player_id`'s profile shows the caller; None also when they may not see it."""

    def may_see(self, caller: Caller, player_id: str) -> bool:
        """False when a block stands between the caller and `player_id` either way (or no such player)."""


class Levels:
    def __init__(self, profiles: Profiles, clock: Clock):
        self.profiles = profiles
        self.clock = clock

    def answer_questionnaire(self, uow: UnitOfWork, caller: Caller, years_played: int, other_racket_sports: bool,
                             self_assessment: float, gender: Gender) -> store.Rating:
        """A starting level with low reliability; answered again it starts over, until a match has moved it."""
        now = self.clock()
        level = domain.starting_level(years_played, other_racket_sports, self_assessment)
        with uow.session() as session:
            row = store.rating(session, caller.user_id, for_update=True)
            if row is not None and row.matches_counted:
                raise FailedPrecondition("your level comes from your matches now; the questionnaire cannot reset it")
            return self._start(session, row, caller.user_id, rating.starting_skill(level), LevelStart.QUESTIONNAIRE,
                               gender, now)

    def set_gender(self, uow: UnitOfWork, caller: Caller, gender: Gender) -> store.Rating:
        """The caller's gender for the gender modes, at any time; a player needs a level first (from the
        questionnaire or their profile's skill_level), where the gender is kept."""
        self.start_from_profile(uow, caller)  # before the transaction: it may ask user_svc
        with uow.session() as session:
            row = store.rating(session, caller.user_id, for_update=True)
            if row is None:
                raise FailedPrecondition("answer the level questionnaire first (POST /api/matches/questionnaire), "
                                         "or give your skill_level in your profile", reason="NO_LEVEL")
            row.gender, row.updated_at = gender.value, self.clock()
            session.flush()
            return row

    def start_from_profile(self, uow: UnitOfWork, caller: Caller) -> None:
        """A player who has not answered the questionnaire starts from their profile's skill_level
        (user_svc, asked as the caller), and keeps following it until the questionnaire or a match
        sets the level; nothing for a player with neither (the use case then asks for the questionnaire)."""
        with uow.session(read_only=True) as session:
            row = store.rating(session, caller.user_id)
            if row is not None and not domain.follows_profile(LevelStart(row.start), row.matches_counted):
                return
        skill_level = self.profiles.self_assessed_level(caller)  # outside a transaction: a peer call holds no lock
        if skill_level is None:
            return
        skill = rating.self_assessed_skill(skill_level)
        try:
            with uow.session() as session:
                row = store.rating(session, caller.user_id, for_update=True)
                if row is None or (domain.follows_profile(LevelStart(row.start), row.matches_counted)
                                   and abs(row.mu - skill.mu) > 1e-9):
                    self._start(session, row, caller.user_id, skill, LevelStart.PROFILE, None, self.clock())
        except Conflict:
            return  # the same player's first level was just made by another of their calls

    def get(self, uow: UnitOfWork, caller: Caller, player_id: str, page_size: int,
            page_token: str) -> tuple[store.Rating, pager.Page]:
        """The level and a page of its history; for a player never in a match, the level they would
        start at from the skill_level their profile shows the caller (nothing is stored: a look
        starts no level), else NotFound. Another player's level is NotFound too when a block stands
        between them and the caller, either way, as user_svc hides their profile."""
        with uow.session(read_only=True) as session:
            row = store.rating(session, player_id)
            history = store.level_history(session, player_id, page_size, page_token) if row is not None else None
        # One peer call at most, outside a transaction: without a level, shown_level asks user_svc the same.
        if row is not None:
            if player_id != caller.user_id and not self.profiles.may_see(caller, player_id):
                raise NotFound(f"player {player_id} has no level yet")
            return row, history
        skill_level = self.profiles.shown_level(caller, player_id)  # outside a transaction: a peer call
        if skill_level is None:
            raise NotFound(f"player {player_id} has no level yet")
        skill = rating.self_assessed_skill(skill_level)
        return store.Rating(player_id=player_id, mu=skill.mu, sigma=skill.sigma, gender=Gender.UNSPECIFIED.value,
                            matches_counted=0, matches_played=0, no_shows=0, late_drop_outs=0, updated_at=None,
                            start=LevelStart.PROFILE.value), pager.Page([], "")

    def account_deleted(self, uow: UnitOfWork, player_id: str) -> None:
        with uow.session() as session:
            store.erase_player(session, player_id)

    def record_played(self, session, match: store.Match, winner: Side, now: dt.datetime) -> None:
        """A confirmed result: the partner record of every player who came counts the match (a reported
        no-show's does not); a competitive one moves the levels as the model says, each step in the
        history and published, unless a no-show was reported (three players and a stand-in are no
        measure of anyone's level). A seat whose account was deleted has no rating any more: the model
        reads that player at the level they joined with and knows nothing of their reliability
        (rating.departed_skill), so the others move as against a stranger of that level, and nothing is
        stored for the gone player."""
        rows = store.ratings(session, [s.player_id for s in match.seats])
        for seat in match.seats:
            if seat.player_id in rows and not seat.no_show:
                rows[seat.player_id].matches_played += 1
        if match.kind != Kind.COMPETITIVE.value or any(s.no_show for s in match.seats):
            session.flush()
            return
        seats = {side: [s for s in match.seats if s.side == side.value] for side in Side}
        before = {side: tuple(rating.Skill(rows[s.player_id].mu, rows[s.player_id].sigma) if s.player_id in rows
                              else rating.departed_skill(s.level) for s in seats[side]) for side in Side}
        after = dict(zip(Side, rating.rate(before[Side.A], before[Side.B], winner.value)))
        for side in Side:
            for seat, old, new in zip(seats[side], before[side], after[side]):
                row = rows.get(seat.player_id)
                if row is None:
                    continue
                row.mu, row.sigma, row.updated_at = new.mu, new.sigma, now
                row.matches_counted += 1
                session.flush()
                events.level_changed(session, store.add_step(session, seat.player_id, match.id, old.level,
                                                             new.level, new.reliability, now))

    @staticmethod
    def _start(session, row: store.Rating | None, player_id: str, skill: rating.Skill, start: LevelStart,
               gender: Gender | None, now: dt.datetime) -> store.Rating:
        """The level starts (over) at `skill`: a step in the history, and StartingLevelSet for the profile.
        `gender` None keeps the one told before (unspecified for a new player)."""
        if row is None:
            before = skill.level
            row = store.add_rating(session, store.Rating(
                player_id=player_id, mu=skill.mu, sigma=skill.sigma, gender=(gender or Gender.UNSPECIFIED).value,
                matches_counted=0, matches_played=0, no_shows=0, late_drop_outs=0, updated_at=now, start=start.value))
        else:
            before = rating.level_of(row.mu)
            row.mu, row.sigma, row.start, row.updated_at = skill.mu, skill.sigma, start.value, now
            if gender is not None:
                row.gender = gender.value
            session.flush()
        store.add_step(session, player_id, "", before, skill.level, skill.reliability, now)
        events.starting_level_set(session, row)
        return row
