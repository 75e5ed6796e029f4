"""What players hear about open matches (match_svc's events, issue 15): the seated players hear who
joined, left or asks to join and that the match is full, cancelled, or released (too few players
joined in time to keep the court held for it); the other side is asked to
confirm a recorded result; a player hears their level move.

user_svc's preferences have no kind for matches; the closest is match invites (people who want to
play with you), whose switch and channels these follow. A cancelled or released match (no court any
more) is essential and always goes out.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mesh.db import UnitOfWork
from notify_svc import store
from notify_svc.domain import SOMEONE, Match, level_text, score_text
from notify_svc.service.deliveries import Deliveries


class Matches:
    def __init__(self, deliveries: Deliveries):
        self.deliveries = deliveries

    def player_joined(self, uow: UnitOfWork, match: Match, player_id: str, approved: bool = False) -> None:
        """The others seated hear who joined and how many places are still free; a player every seated
        player `approved` hears they are in."""
        with uow.session() as session:
            self._tell_seated(session, "match_player_joined", match, {"player_name": self._name(session, player_id)},
                              but=player_id)
            if approved:
                self.deliveries.queue(session, player_id, "match_request_approved", match.variables())

    def join_request_ended(self, uow: UnitOfWork, match: Match, player_id: str, refused_by: str,
                           gender_no_longer_fits: bool, place_taken: bool = False,
                           called_off: bool = False) -> None:
        """The asking player hears a seated player refused them, that the match will not be played, that
        their gender no longer fits it, that others took the place they could have had, or that the match
        filled or started."""
        kind = ("match_request_refused" if refused_by else
                "match_request_ended_called_off" if called_off else
                "match_request_ended_gender" if gender_no_longer_fits else
                "match_request_ended_place_taken" if place_taken else
                "match_request_ended_full" if match.free_places == 0 else "match_request_ended_started")
        with uow.session() as session:
            self.deliveries.queue(session, player_id, kind, match.variables())

    def result_settled(self, uow: UnitOfWork, match: Match, sets: list[tuple[int, int]], recorded_by: str,
                       answered_by: str, confirmed: bool) -> None:
        """A confirmed result (by the other side, or by the job once nobody answered) is told to the
        four players; a disputed one to the player who recorded it."""
        with uow.session() as session:
            if confirmed:
                self._tell_seated(session, "match_result_confirmed", match, {"score": score_text(sets)})
                return
            self.deliveries.queue(session, recorded_by, "match_result_disputed", {
                **match.variables(), "score": score_text(sets), "player_name": self._name(session, answered_by)})

    def filled(self, uow: UnitOfWork, match: Match) -> None:
        with uow.session() as session:
            self._tell_seated(session, "match_filled", match)

    def join_requested(self, uow: UnitOfWork, match: Match, player_id: str, level: float) -> None:
        """The seated players hear that a player outside the level range asks for a place."""
        with uow.session() as session:
            self._tell_seated(session, "match_join_requested", match,
                              {"player_name": self._name(session, player_id), "level": level_text(level)})

    def player_left(self, uow: UnitOfWork, match: Match, player_id: str, removed: bool) -> None:
        """The players still seated hear who left; a removed player hears they were taken off."""
        with uow.session() as session:
            self._tell_seated(session, "match_player_left", match, {"player_name": self._name(session, player_id)},
                              but=player_id)
            if removed:
                self.deliveries.queue(session, player_id, "match_player_removed", match.variables())

    def cancelled(self, uow: UnitOfWork, match: Match) -> None:
        with uow.session() as session:
            self._tell_seated(session, "match_cancelled", match)

    def released(self, uow: UnitOfWork, match: Match) -> None:
        with uow.session() as session:
            self._tell_seated(session, "match_released", match)

    def result_recorded(self, uow: UnitOfWork, match: Match, sets: list[tuple[int, int]], recorded_by: str,
                        confirmer_ids: list[str]) -> None:
        """The other side is asked to confirm or dispute the score."""
        with uow.session() as session:
            extra = {"score": score_text(sets), "player_name": self._name(session, recorded_by)}
            for user_id in dict.fromkeys(confirmer_ids):
                self.deliveries.queue(session, user_id, "match_result_recorded", {**match.variables(), **extra})

    def level_changed(self, uow: UnitOfWork, player_id: str, match_id: str, before: float, after: float) -> None:
        with uow.session() as session:
            self.deliveries.queue(session, player_id, "level_changed", {
                "match_id": match_id, "level_before": level_text(before), "level_after": level_text(after)})

    # steps inside one use case's transaction

    def _tell_seated(self, session: Session, kind: str, match: Match, extra: dict[str, str] | None = None, *,
                     but: str = "") -> None:
        """Tells every seated player but `but` (who did it)."""
        for user_id in match.player_ids:
            if user_id != but:
                self.deliveries.queue(session, user_id, kind, {**match.variables(), **(extra or {})})

    @staticmethod
    def _name(session: Session, user_id: str) -> str:
        return store.display_name(session, user_id) or SOMEONE
