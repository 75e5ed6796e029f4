"""Connections between players: requests (announced to the other player), accepting (announced to
the one who asked), declining, removing, blocks (which hide both players from each other, and which
the two and admins may check) and the caller's paged list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from mesh import pager
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from user_svc import domain, events, store
from user_svc.domain import ConnectionStatus
from user_svc.service.avatars import Avatars
from user_svc.service.players import ensure_profile
from user_svc.service.views import ConnectionView, ProfileView


def connection_views(avatars: Avatars, rows: list[tuple[store.Connection, store.Profile, str | None]]
                     ) -> list[ConnectionView]:
    """Rows of `store.with_others` with the other player's avatar URL."""
    return [ConnectionView(connection, ProfileView(other, avatars.url(file_name)))
            for connection, other, file_name in rows]


def _status(row: store.Connection | None) -> ConnectionStatus | None:
    return ConnectionStatus(row.status) if row is not None else None


class Connections:
    """Connection use cases; `avatars` gives the other player's avatar URL."""

    def __init__(self, avatars: Avatars):
        self.avatars = avatars

    def _other_player(self, session: Session, caller: Caller, user_id: str) -> store.Profile:
        """The player the caller names, if they may deal with each other at all."""
        other = store.get_profile(session, user_id)
        domain.check_other_player(caller, user_id, other)
        return other

    def _view(self, session: Session, connection: store.Connection, other: store.Profile) -> ConnectionView:
        return ConnectionView(connection, self.avatars.view(session, other))

    def request_connection(self, uow: UnitOfWork, caller: Caller, user_id: str) -> ConnectionView:
        """Ask to connect; asking again changes nothing, and a request the other sent is accepted."""
        with uow.session() as session:
            me = ensure_profile(session, caller.user_id)
            other = self._other_player(session, caller, user_id)
            mine = store.get_connection(session, caller.user_id, user_id)
            domain.check_may_request(_status(mine), store.is_blocked_between(session, caller.user_id, user_id))
            moment = utcnow()
            if mine is None:
                mine = store.Connection(user_id=caller.user_id, other_id=user_id,
                                        status=ConnectionStatus.PENDING_OUTGOING, created_at=moment,
                                        updated_at=moment)
                session.add(mine)
                session.add(store.Connection(user_id=user_id, other_id=caller.user_id,
                                             status=ConnectionStatus.PENDING_INCOMING, created_at=moment,
                                             updated_at=moment))
                events.connection_requested(session, me, user_id)
            elif mine.status == ConnectionStatus.PENDING_INCOMING:
                _connect(session, caller.user_id, user_id, moment)
                events.connection_accepted(session, user_id, me)
            return self._view(session, mine, other)

    def accept_connection(self, uow: UnitOfWork, caller: Caller, user_id: str) -> ConnectionView:
        with uow.session() as session:
            me = ensure_profile(session, caller.user_id)
            other = self._other_player(session, caller, user_id)
            mine = store.get_connection(session, caller.user_id, user_id)
            domain.check_may_accept(_status(mine))
            if mine.status == ConnectionStatus.PENDING_INCOMING:
                _connect(session, caller.user_id, user_id, utcnow())
                events.connection_accepted(session, user_id, me)
            return self._view(session, mine, other)

    def decline_connection(self, uow: UnitOfWork, caller: Caller, user_id: str) -> None:
        with uow.session() as session:
            self._other_player(session, caller, user_id)
            domain.check_may_decline(_status(store.get_connection(session, caller.user_id, user_id)))
            store.delete_connection_pair(session, caller.user_id, user_id)

    def remove_connection(self, uow: UnitOfWork, caller: Caller, user_id: str) -> None:
        with uow.session() as session:
            self._other_player(session, caller, user_id)
            domain.check_may_remove(_status(store.get_connection(session, caller.user_id, user_id)))
            store.delete_connection_pair(session, caller.user_id, user_id)

    def block_user(self, uow: UnitOfWork, caller: Caller, user_id: str) -> None:
        """Block: any request or connection between the two ends, and each is hidden from the other."""
        with uow.session() as session:
            ensure_profile(session, caller.user_id)
            self._other_player(session, caller, user_id)
            if _status(store.get_connection(session, caller.user_id, user_id)) == ConnectionStatus.BLOCKED:
                return
            store.delete_connection_pair(session, caller.user_id, user_id)
            moment = utcnow()
            session.add(store.Connection(user_id=caller.user_id, other_id=user_id, status=ConnectionStatus.BLOCKED,
                                         created_at=moment, updated_at=moment))

    def unblock_user(self, uow: UnitOfWork, caller: Caller, user_id: str) -> None:
        with uow.session() as session:
            self._other_player(session, caller, user_id)
            mine = store.get_connection(session, caller.user_id, user_id)
            domain.check_may_unblock(_status(mine))
            session.delete(mine)

    @staticmethod
    def check_blocked(uow: UnitOfWork, caller: Caller, user_id: str, other_id: str) -> bool:
        """Whether a block stands between two players, as the caller may learn it (see
        `domain.block_answer`); a player other than the caller who is unknown or gone is NotFound."""
        domain.check_may_check_blocks(caller, user_id, other_id)
        with uow.session(read_only=True) as session:
            for player_id in (user_id, other_id):
                if player_id != caller.user_id:
                    domain.check_may_see(store.get_profile(session, player_id), blocked_between=False)
            return domain.block_answer(
                caller, user_id,
                _status(store.get_connection(session, user_id, other_id)) == ConnectionStatus.BLOCKED,
                _status(store.get_connection(session, other_id, user_id)) == ConnectionStatus.BLOCKED)

    def list_connections(self, uow: UnitOfWork, caller: Caller, status: ConnectionStatus | None, page_size: int,
                         page_token: str) -> pager.Page[ConnectionView]:
        """One page of the caller's connections (blocks only when asked for by status)."""
        with uow.session() as session:
            ensure_profile(session, caller.user_id)
            page = store.connections_page(session, caller.user_id, domain.listed_statuses(status), page_size,
                                          page_token)
            rows = store.with_others(session, page.items)
        return pager.Page(connection_views(self.avatars, rows), page.next_page_token)


def _connect(session: Session, a: str, b: str, moment: dt.datetime) -> None:
    for owner, other in ((a, b), (b, a)):
        row = store.get_connection(session, owner, other)
        row.status, row.updated_at = ConnectionStatus.CONNECTED, moment
