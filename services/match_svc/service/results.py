"""Results: a player of the full match records the score after the start, the other side confirms
or disputes it, and a result nobody answered is confirmed after the confirmation window (the job).
A confirmed competitive result moves the four levels; a disputed or friendly one moves nothing."""

from __future__ import annotations

import datetime as dt
import logging

from match_svc import domain, events, metrics, store
from match_svc.domain import ResultStatus, Side, Status
from match_svc.service.levels import Levels
from match_svc.service.matches import find_match
from mesh.caller import Caller
from mesh.clock import Clock
from mesh.db import UnitOfWork
from mesh.errors import FailedPrecondition

log = logging.getLogger("padel.match.results")


class Results:
    def __init__(self, levels: Levels, confirm_window: dt.timedelta, clock: Clock):
        self.levels = levels
        self.confirm_window = confirm_window
        self.clock = clock

    def record(self, uow: UnitOfWork, caller: Caller, match_id: str, sets: list[tuple[int, int]]) -> store.Match:
        winner = domain.winner_of(sets)  # a broken score is refused before anything is read
        now = self.clock()
        with uow.session() as session:
            row = find_match(session, match_id)
            domain.check_seated(row.places, caller.user_id)
            if row.status != Status.FULL.value:
                raise FailedPrecondition("a result is recorded for a match with its four players")
            if now < row.start_time:
                raise FailedPrecondition("the match has not started yet")
            if row.result_status is not None:
                raise FailedPrecondition("the match has a result already")
            row.result_sets = [list(s) for s in sets]
            row.winner = winner.value
            row.result_status = ResultStatus.PENDING.value
            row.recorded_by, row.recorded_at, row.updated_at = caller.user_id, now, now
            session.flush()
            recorder_side = row.seat_of(caller.user_id).side
            events.result_recorded(session, row, [s.player_id for s in row.seats if s.side != recorder_side])
            return row

    def confirm(self, uow: UnitOfWork, caller: Caller, match_id: str) -> store.Match:
        return self._answer(uow, caller, match_id, ResultStatus.CONFIRMED)

    def dispute(self, uow: UnitOfWork, caller: Caller, match_id: str) -> store.Match:
        return self._answer(uow, caller, match_id, ResultStatus.DISPUTED)

    def confirm_due(self, uow: UnitOfWork) -> tuple[int, int]:
        """Confirms the results nobody answered within the window, each in its own transaction so that
        one that fails never holds back the others; (how many it confirmed, how many failed)."""
        now = self.clock()
        with uow.session(read_only=True) as session:
            due = store.results_due_ids(session, now - self.confirm_window)
        confirmed = failed = 0
        for match_id in due:
            try:
                with uow.session() as session:
                    row = store.result_due(session, match_id, now - self.confirm_window)
                    if row is None:  # answered meanwhile, or another replica has it
                        continue
                    self._settle(session, row, ResultStatus.CONFIRMED, "", now)
                    confirmed += 1
            except Exception:  # noqa: BLE001 - one broken result is logged and counted, the rest go on
                log.exception("a result could not be confirmed", extra={"match_id": match_id})
                metrics.RESULTS_FAILED.inc()
                failed += 1
        return confirmed, failed

    def _answer(self, uow: UnitOfWork, caller: Caller, match_id: str, answer: ResultStatus) -> store.Match:
        now = self.clock()
        with uow.session() as session:
            row = find_match(session, match_id)
            if row.result_status != ResultStatus.PENDING.value:
                raise FailedPrecondition("the match has no result waiting for an answer")
            domain.check_may_answer(caller.user_id, row.places, row.recorded_by)
            self._settle(session, row, answer, caller.user_id, now)
            return row

    def _settle(self, session, row: store.Match, answer: ResultStatus, answered_by: str, now: dt.datetime) -> None:
        row.result_status = answer.value
        row.answered_by, row.answered_at, row.updated_at = answered_by or None, now, now
        session.flush()
        if answer == ResultStatus.CONFIRMED:
            self.levels.record_played(session, row, Side(row.winner), now)
        events.result_settled(session, row)
