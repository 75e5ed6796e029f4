"""A player's profile row as every use case finds it: made the first time we hear of them (with
default preferences, announced), and closed to its owner once their account is deleted."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mesh.clock import utcnow
from user_svc import domain, events, store


def known_profile(session: Session, user_id: str, *, with_preferences: bool = True) -> store.Profile:
    """The player's profile row (a closed account's tombstone included), created if this is the
    first we hear of them: with default preferences, announced, unless `with_preferences` is off.

    A concurrent creation (the event and a first call at once) loses on the primary key inside a
    savepoint and reads the winner's row.
    """
    profile = store.get_profile(session, user_id)
    if profile is not None:
        return profile
    moment = utcnow()
    try:
        with session.begin_nested():
            profile = store.new_profile(user_id, moment)
            session.add(profile)
            session.flush()
            if with_preferences:
                preferences = store.default_preferences(user_id, moment)
                session.add(preferences)
                session.flush()
                events.preferences_changed(session, preferences)
    except IntegrityError:
        profile = store.get_profile(session, user_id)
        if profile is None:
            raise
    else:
        events.profile_created(session)
    return profile


def ensure_profile(session: Session, user_id: str, *, for_update: bool = False) -> store.Profile:
    """The caller's own profile, created on first use; NotFound once their account is closed.

    `for_update` locks the row first: the changes of one player (and the erasure) take turns.
    """
    profile = known_profile(session, user_id)
    if for_update:
        profile = store.get_profile(session, user_id, for_update=True)
    domain.check_account_open(profile)
    return profile
