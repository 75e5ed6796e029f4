"""What user_svc announces. Events on `padel.user.events`, each written to the outbox in the caller's
transaction: PreferencesChanged (on every change and when a profile is made), ProfileDeleted (after
every erasure), ConnectionRequested and ConnectionAccepted. Business counters (`metrics`) are counted
once that transaction commits, never for a change rolled back."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mesh import plumbing
from mesh.db import after_commit
from mesh.outbox import publish
from user_svc import convert, metrics, store

STREAM = plumbing.stream("user")


def preferences_changed(session: Session, row: store.Preferences) -> None:
    """notify_svc keeps a copy of every player's preferences from these."""
    publish(session, STREAM, convert.preferences_changed(row))


def profile_created(session: Session) -> None:
    after_commit(session, metrics.PROFILES_CREATED.inc)


def profile_deleted(session: Session, user_id: str, *, account_closed: bool) -> None:
    """After every erasure (DeleteProfile and a closed account): notify forgets the person's contact
    details and messages on it."""
    publish(session, STREAM, convert.profile_deleted(user_id))
    after_commit(session, metrics.PROFILES_DELETED.labels("account_closed" if account_closed else "profile").inc)


def connection_requested(session: Session, requester: store.Profile, addressee_id: str) -> None:
    """notify tells the addressee who asked to connect."""
    publish(session, STREAM, convert.connection_requested(requester, addressee_id))
    after_commit(session, metrics.CONNECTIONS_REQUESTED.inc)


def connection_accepted(session: Session, requester_id: str, addressee: store.Profile) -> None:
    """notify tells the requester that the addressee accepted."""
    publish(session, STREAM, convert.connection_accepted(requester_id, addressee))
    after_commit(session, metrics.CONNECTIONS_ACCEPTED.inc)
