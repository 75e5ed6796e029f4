"""The in-app inbox: a player reads their own messages and marks them read. Messages arrive through
`Deliveries.queue` on the in-app channel."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from mesh.pager import Page
from notify_svc import domain, store


class Inbox:
    def __init__(self, *, clock: Callable[[], dt.datetime] = utcnow):
        self.clock = clock

    def list(self, uow: UnitOfWork, caller: Caller, *, unread_only: bool, page_size: int,
             page_token: str) -> tuple[Page[store.InboxMessage], int]:
        """One page of the caller's messages, newest first, and how many of all are unread."""
        with uow.session(read_only=True) as session:
            page = store.inbox(session, caller.user_id, unread_only=unread_only, page_size=page_size,
                               page_token=page_token)
            return page, store.unread_count(session, caller.user_id)

    def mark_read(self, uow: UnitOfWork, caller: Caller, message_id: str) -> store.InboxMessage:
        with uow.session() as session:
            message = store.inbox_message(session, message_id)
            domain.check_inbox_owner(caller, message.user_id if message is not None else None)
            if message.read_at is None:
                message.read_at = self.clock()
            return message
