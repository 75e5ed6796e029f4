"""Preferences: how and when a player wants to hear from the platform. Every change is published
(PreferencesChanged) for notify_svc."""

from __future__ import annotations

from typing import Any, Sequence

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from user_svc import domain, events, store
from user_svc.service.players import ensure_profile


def get_preferences(uow: UnitOfWork, caller: Caller) -> store.Preferences:
    with uow.session() as session:
        ensure_profile(session, caller.user_id)
        return store.get_preferences(session, caller.user_id)


def update_preferences(uow: UnitOfWork, caller: Caller, paths: Sequence[str],
                       values: dict[str, Any]) -> store.Preferences:
    with uow.session() as session:
        ensure_profile(session, caller.user_id, for_update=True)  # serialises updates of one player
        preferences = store.get_preferences(session, caller.user_id)
        before = domain.preference_values(preferences)
        domain.apply_preference_changes(preferences, paths, values)
        if domain.preference_values(preferences) != before:
            preferences.updated_at = utcnow()
            events.preferences_changed(session, preferences)
        return preferences
