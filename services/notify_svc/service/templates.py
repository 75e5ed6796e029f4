"""Message templates as stored: the shipped defaults, the list anyone signed in may read, and an
admin's edit, checked in the renderer processes before it is saved (see `notify_svc.templates` for
the kinds, their variables and the sandbox)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from mesh.pager import Page
from notify_svc import domain, store, templates
from notify_svc.rendering import Renderer


class Templates:
    def __init__(self, renderer: Renderer, *, clock: Callable[[], dt.datetime] = utcnow):
        self.renderer = renderer
        self.clock = clock

    def install_defaults(self, uow: UnitOfWork) -> None:
        """Ships the defaults (at every start): a built-in row is refreshed, an admin's edit is kept."""
        with uow.session() as session:
            store.add_templates_if_missing(session, templates.defaults(), self.clock())

    def list(self, uow: UnitOfWork, *, kind: str, channel: str, language: str, page_size: int,
             page_token: str) -> Page[store.Template]:
        with uow.session(read_only=True) as session:
            return store.templates(session, kind=kind, channel=channel, language=language, page_size=page_size,
                                   page_token=page_token)

    def save(self, uow: UnitOfWork, caller: Caller, kind: str, channel: str, language: str, subject: str,
             body: str) -> store.Template:
        """An admin's template, refused (naming the field) when it uses a name its kind does not have."""
        domain.check_admin(caller)
        self.renderer.check(kind, channel, subject, body)
        with uow.session() as session:
            return store.save_template(session, kind, channel, language, subject, body, self.clock())
