"""What match_svc publishes on `padel.match.events`, each written to the outbox in the use case's own
transaction, so players are told exactly when the change happened (notify_svc tells them by their
preferences)."""

from __future__ import annotations

from padel.match.v1 import events_pb2
from sqlalchemy.orm import Session

from match_svc import convert, metrics, store
from mesh import plumbing
from mesh.db import after_commit
from mesh.convert import timestamp
from mesh.outbox import publish

STREAM = plumbing.stream("match")


def match_opened(session: Session, row: store.Match) -> None:
    publish(session, STREAM, events_pb2.MatchOpened(match=convert.snapshot(row)))
    after_commit(session, metrics.MATCHES_OPENED.labels(row.kind).inc)


def player_joined(session: Session, row: store.Match, player_id: str, approved: bool = False) -> None:
    """Also MatchFilled when that was the last place: the players learn the match is on."""
    publish(session, STREAM, events_pb2.PlayerJoined(match=convert.snapshot(row), player_id=player_id,
                                                     approved=approved))
    after_commit(session, metrics.PLACES_TAKEN.inc)
    if row.free_places == 0:
        publish(session, STREAM, events_pb2.MatchFilled(match=convert.snapshot(row)))
        after_commit(session, metrics.MATCHES_FILLED.inc)


def join_requested(session: Session, row: store.Match, player_id: str, level: float) -> None:
    """The players in the match are asked to approve."""
    publish(session, STREAM, events_pb2.JoinRequested(match=convert.snapshot(row), player_id=player_id, level=level))


def join_request_ended(session: Session, row: store.Match, player_id: str, refused_by: str,
                       gender_no_longer_fits: bool = False, place_taken: bool = False,
                       called_off: bool = False) -> None:
    """The asking player hears their request was refused, that the match filled, started or was called off,
    that the place they could take was taken, or that their gender no longer fits it."""
    publish(session, STREAM, events_pb2.JoinRequestEnded(match=convert.snapshot(row), player_id=player_id,
                                                         refused_by=refused_by,
                                                         gender_no_longer_fits=gender_no_longer_fits,
                                                         place_taken=place_taken, called_off=called_off))


def player_left(session: Session, row: store.Match, player_id: str, removed_by: str, late: bool) -> None:
    publish(session, STREAM, events_pb2.PlayerLeft(match=convert.snapshot(row), player_id=player_id,
                                                   removed_by=removed_by, late=late))
    if late:
        after_commit(session, metrics.LATE_DROP_OUTS.inc)


def result_recorded(session: Session, row: store.Match, confirmer_ids: list[str]) -> None:
    publish(session, STREAM, events_pb2.ResultRecorded(match=convert.snapshot(row), result=convert.result(row),
                                                       confirmer_ids=confirmer_ids))


def result_settled(session: Session, row: store.Match) -> None:
    publish(session, STREAM, events_pb2.ResultSettled(match=convert.snapshot(row), result=convert.result(row)))
    after_commit(session, metrics.RESULTS_SETTLED.labels(row.result_status).inc)


def level_changed(session: Session, step: store.LevelStep) -> None:
    publish(session, STREAM, events_pb2.LevelChanged(
        player_id=step.player_id, match_id=step.match_id, level_before=step.level_before,
        level_after=step.level_after, reliability_after=step.reliability_after,
        changed_at=timestamp(step.changed_at)))


def starting_level_set(session: Session, row: store.Rating) -> None:
    """user_svc shows the starting level on the profile (notify tells nobody: no match moved it)."""
    publish(session, STREAM, convert.starting_level_set(row))


def match_cancelled(session: Session, row: store.Match) -> None:
    publish(session, STREAM, events_pb2.MatchCancelled(match=convert.snapshot(row)))


def hold_filled(session: Session, row: store.Match) -> None:
    """The match on a held court has its players: booking_svc books the court."""
    publish(session, STREAM, events_pb2.MatchHoldFilled(match=convert.snapshot(row)))


def match_released(session: Session, row: store.Match) -> None:
    """The match on a held court did not fill: booking_svc gives the court back, the players are told."""
    publish(session, STREAM, events_pb2.MatchReleased(match=convert.snapshot(row)))
    after_commit(session, metrics.MATCHES_RELEASED.inc)
