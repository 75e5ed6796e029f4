"""Profiles: a player's own profile (read, masked update), another player's (blocks hide it), the
player's own data (export, deletion), and what auth's events change (registration, a closed
account). One erasure serves both deletions."""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy.orm import Session

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from user_svc import domain, events, store
from user_svc.domain import ConnectionStatus
from user_svc.service.avatars import Avatars
from user_svc.service.connections import connection_views
from user_svc.service.players import ensure_profile, known_profile
from user_svc.service.views import ExportedData, ProfileView


class Profiles:
    """Profile use cases; `avatars` gives each profile its avatar's URL and erases avatars."""

    def __init__(self, avatars: Avatars):
        self.avatars = avatars

    def get_profile(self, uow: UnitOfWork, caller: Caller) -> ProfileView:
        with uow.session() as session:
            return self.avatars.view(session, ensure_profile(session, caller.user_id))

    def update_profile(self, uow: UnitOfWork, caller: Caller, paths: Sequence[str],
                       values: dict[str, Any]) -> ProfileView:
        with uow.session() as session:
            profile = ensure_profile(session, caller.user_id, for_update=True)
            domain.apply_profile_changes(profile, paths, values)
            profile.updated_at = utcnow()
            return self.avatars.view(session, profile)

    def get_user(self, uow: UnitOfWork, caller: Caller, user_id: str) -> ProfileView:
        """Another player's profile (its public part is `convert`'s to pick); blocks hide it."""
        with uow.session() as session:
            if user_id == caller.user_id:
                return self.avatars.view(session, ensure_profile(session, caller.user_id))
            profile = store.get_profile(session, user_id)
            domain.check_may_see(profile, store.is_blocked_between(session, caller.user_id, user_id))
            return self.avatars.view(session, profile)

    def export_data(self, uow: UnitOfWork, caller: Caller) -> ExportedData:
        with uow.session() as session:
            profile = ensure_profile(session, caller.user_id)
            rows = store.with_others(session, store.list_connections(session, caller.user_id, list(ConnectionStatus)))
            return ExportedData(self.avatars.view(session, profile), store.get_preferences(session, caller.user_id),
                                connection_views(self.avatars, rows), store.venue_visits_of(session, caller.user_id))

    def delete_profile(self, uow: UnitOfWork, caller: Caller) -> None:
        """DeleteProfile: the player's own erasure; their account, and so an empty profile, stays."""
        with uow.session() as session:
            self._erase(session, ensure_profile(session, caller.user_id, for_update=True), account_closed=False)

    def close_account(self, uow: UnitOfWork, user_id: str) -> None:
        """AccountDeleted: everything about the person goes, and the empty row stays as a tombstone,
        so a redelivered or late event finds it and changes nothing."""
        if not domain.is_user_id(user_id):
            return  # not an account id: nothing to erase, and retrying would not help
        with uow.session() as session:
            known_profile(session, user_id, with_preferences=False)
            profile = store.get_profile(session, user_id, for_update=True)
            if profile.closed_at is None:
                self._erase(session, profile, account_closed=True)

    @staticmethod
    def record_registration(uow: UnitOfWork, user_id: str, display_name: str) -> None:
        """The account exists: make the profile, and name it unless the player already chose a name."""
        if not domain.is_user_id(user_id):
            return  # not an account id: nothing to make, and retrying would not help
        with uow.session() as session:
            domain.apply_registration(known_profile(session, user_id), display_name, utcnow())

    @staticmethod
    def record_match_level(uow: UnitOfWork, user_id: str, level: domain.MatchLevel) -> None:
        """match_svc rated the player: the profile shows the level and its reliability."""
        if not domain.is_user_id(user_id):
            return  # not an account id: nothing to show it on, and retrying would not help
        with uow.session() as session:
            known_profile(session, user_id)
            domain.apply_match_level(store.get_profile(session, user_id, for_update=True), level)
            session.flush()

    def _erase(self, session: Session, profile: store.Profile, *, account_closed: bool) -> None:
        """The one erasure of a person's data, for both paths, in the caller's transaction (the
        profile row locked): personal fields, stats, visits, the avatar (its file once the
        transaction commits), requests and connections both ways and preferences; ProfileDeleted
        tells notify to forget them too.

        A deleted profile keeps the account: preferences start again from the defaults and blocks
        other players set on them stay (deleting the profile is no way out of a block). A closed
        account keeps nothing: no preferences, no block either way, and `closed_at` makes the
        empty row a tombstone that calls (NotFound) and later events cannot fill again.
        """
        user_id, moment = profile.user_id, utcnow()
        domain.erase_profile(profile, moment, account_closed=account_closed)
        self.avatars.erase(session, user_id)
        store.delete_connections_of(session, user_id, blocks_on_them=account_closed)
        store.delete_venue_visits(session, user_id)
        preferences = store.get_preferences(session, user_id)
        if preferences is not None:
            session.delete(preferences)
            session.flush()
        if not account_closed:
            session.add(store.default_preferences(user_id, moment))
        events.profile_deleted(session, user_id, account_closed=account_closed)
