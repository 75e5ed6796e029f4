"""The person's own data, whole, for the platform's data export: their matches (as any player of the
match sees them), their level with its whole history, their record as a partner, and how many
times they joined or asked to join each match."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable

from match_svc import store
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork


@dataclasses.dataclass(frozen=True)
class MatchExport:
    matches: list[store.Match]
    rating: store.Rating | None
    history: list[store.LevelStep]
    tries: list[store.Try]
    exported_at: dt.datetime


def export_data(uow: UnitOfWork, caller: Caller, clock: Callable[[], dt.datetime] = utcnow) -> MatchExport:
    """Everything about the caller, read in one transaction."""
    me = caller.user_id
    with uow.session(read_only=True) as session:
        return MatchExport(store.matches_of_person(session, me), store.rating(session, me),
                           store.whole_level_history(session, me), store.tries_of(session, me), clock())
