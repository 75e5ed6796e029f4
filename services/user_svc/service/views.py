"""What the use cases return: rows with the avatar URLs that go with them (`convert` makes the
messages)."""

from __future__ import annotations

from dataclasses import dataclass

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
