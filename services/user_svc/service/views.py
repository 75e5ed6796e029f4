"""What the use cases return: rows with the avatar URLs that go with them (`convert` makes the
messages)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from user_svc import store


@dataclass(frozen=True)
class ProfileView:
    profile: store.Profile
    avatar_url: str


@dataclass(frozen=True)
class ConnectionView:
    connection: store.Connection
    other: ProfileView


@dataclass(frozen=True)
class ExportedData:
    profile: ProfileView
    preferences: store.Preferences
    connections: list[ConnectionView]
    venue_visits: list[store.VenueVisit]


@dataclass(frozen=True)
class Archive:
    """The person's data from every service: user_svc's own, and each other service's export as it
    answered (`parts`, by service name)."""

    user_id: str
    own: ExportedData
    parts: Mapping[str, object]
    exported_at: dt.datetime
