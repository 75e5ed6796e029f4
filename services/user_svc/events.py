"""What user_svc publishes on `padel.user.events`, each written to the outbox in the caller's
transaction: PreferencesChanged (on every change and when a profile is made) and ProfileDeleted
(after every erasure)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mesh import plumbing
from mesh.outbox import publish
from user_svc import convert, store

STREAM = plumbing.stream("user")


def preferences_changed(session: Session, row: store.Preferences) -> None:
    """notify_svc keeps a copy of every player's preferences from these."""
    publish(session, STREAM, convert.preferences_changed(row))


def profile_deleted(session: Session, user_id: str) -> None:
    """After every erasure (DeleteProfile and a closed account): notify forgets the person's contact
    details and messages on it."""
    publish(session, STREAM, convert.profile_deleted(user_id))
