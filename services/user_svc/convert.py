"""Conversions between the contract's messages and user_svc's rows and values, event payloads
included: the one module that knows both protobuf and the service's types. Enum-valued fields are
the contract's numbers, passed on as they are."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

from google.api import httpbody_pb2
from google.protobuf import json_format

from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import events_pb2 as booking_events
from padel.match.v1 import events_pb2 as match_events
from padel.user.v1 import events_pb2 as user_events
from padel.user.v1 import user_pb2
from padel.user.v1 import user_service_pb2 as api

from mesh.convert import timestamp, to_datetime
from user_svc import store
from user_svc.domain import ConnectionStatus, MatchLevel, PlayedBooking

if TYPE_CHECKING:
    from user_svc.service.views import Archive, ConnectionView, ExportedData

CONNECTION_STATUS = {
    ConnectionStatus.PENDING_OUTGOING: user_pb2.CONNECTION_STATUS_PENDING_OUTGOING,
    ConnectionStatus.PENDING_INCOMING: user_pb2.CONNECTION_STATUS_PENDING_INCOMING,
    ConnectionStatus.CONNECTED: user_pb2.CONNECTION_STATUS_CONNECTED,
    ConnectionStatus.BLOCKED: user_pb2.CONNECTION_STATUS_BLOCKED,
}
CONNECTION_STATUS_FROM_PROTO = {number: status for status, number in CONNECTION_STATUS.items()}


def stats(profile: store.Profile) -> user_pb2.PlayerStats:
    return user_pb2.PlayerStats(matches_played=profile.matches_played, minutes_on_court=profile.minutes_on_court,
                                venues_visited=profile.venues_visited, no_shows=profile.no_shows)


def match_level(row: store.Profile) -> user_pb2.MatchLevel | None:
    if row.match_level is None:
        return None
    return user_pb2.MatchLevel(level=row.match_level, reliability=row.level_reliability or 0.0,
                               updated_at=timestamp(row.level_updated_at))


def profile(row: store.Profile, avatar_url: str) -> user_pb2.Profile:
    return user_pb2.Profile(
        user_id=row.user_id, display_name=row.display_name, bio=row.bio, city=row.city, city_other=row.city_other,
        skill_level=row.skill_level, skill_source=row.skill_source, play_frequency=row.play_frequency,
        preferred_play_times=row.preferred_play_times, preferred_hand=row.preferred_hand,
        court_side=row.court_side, avatar_url=avatar_url, stats=stats(row),
        created_at=timestamp(row.created_at), updated_at=timestamp(row.updated_at), findable=row.findable,
        match_level=match_level(row))


def public_profile(row: store.Profile, avatar_url: str) -> user_pb2.PublicProfile:
    """Only what other players may see: no bio, no play habits, no preferences, no other stats."""
    return user_pb2.PublicProfile(
        user_id=row.user_id, display_name=row.display_name, city=row.city, city_other=row.city_other,
        skill_level=row.skill_level, preferred_hand=row.preferred_hand, court_side=row.court_side,
        avatar_url=avatar_url, matches_played=row.matches_played, match_level=match_level(row),
        skill_source=row.skill_source)


def profile_values(message: user_pb2.Profile) -> dict[str, Any]:
    """The writable fields of a request's profile, as plain values (the mask picks among them)."""
    return {"display_name": message.display_name, "bio": message.bio, "city": message.city,
            "city_other": message.city_other, "skill_level": message.skill_level,
            "play_frequency": message.play_frequency, "preferred_play_times": list(message.preferred_play_times),
            "preferred_hand": message.preferred_hand, "court_side": message.court_side, "findable": message.findable}


def preferences(row: store.Preferences) -> user_pb2.Preferences:
    return user_pb2.Preferences(language=row.language, channels=row.channels, kinds=row.kinds,
                                quiet_hours_start=row.quiet_hours_start, quiet_hours_end=row.quiet_hours_end,
                                time_zone=row.time_zone)


def preference_values(message: user_pb2.Preferences) -> dict[str, Any]:
    return {"language": message.language, "channels": list(message.channels), "kinds": list(message.kinds),
            "quiet_hours_start": message.quiet_hours_start, "quiet_hours_end": message.quiet_hours_end,
            "time_zone": message.time_zone}


def connection(row: store.Connection, other: store.Profile, other_avatar_url: str) -> user_pb2.Connection:
    return user_pb2.Connection(user_id=row.other_id, status=CONNECTION_STATUS[ConnectionStatus(row.status)],
                               profile=public_profile(other, other_avatar_url),
                               created_at=timestamp(row.created_at), updated_at=timestamp(row.updated_at))


# -- event payloads -------------------------------------------------------------------------------


def preferences_changed(row: store.Preferences) -> user_events.PreferencesChanged:
    return user_events.PreferencesChanged(user_id=row.user_id, preferences=preferences(row))


def profile_deleted(user_id: str) -> user_events.ProfileDeleted:
    return user_events.ProfileDeleted(user_id=user_id)


def connection_requested(requester: store.Profile, addressee_id: str) -> user_events.ConnectionRequested:
    return user_events.ConnectionRequested(requester_id=requester.user_id, requester_name=requester.display_name,
                                           addressee_id=addressee_id)


def connection_accepted(requester_id: str, addressee: store.Profile) -> user_events.ConnectionAccepted:
    return user_events.ConnectionAccepted(requester_id=requester_id, addressee_id=addressee.user_id,
                                          addressee_name=addressee.display_name)


def registered_name(message: auth_events.UserRegistered) -> str:
    """The name an account was registered with, as a display name."""
    return f"{message.first_name} {message.last_name}".strip()


def level_changed(message: match_events.LevelChanged) -> MatchLevel:
    return MatchLevel(level=message.level_after, reliability=message.reliability_after,
                      at=to_datetime(message.changed_at))


def starting_level_set(message: match_events.StartingLevelSet) -> MatchLevel:
    return MatchLevel(level=message.level, reliability=message.reliability, at=to_datetime(message.changed_at))


def played_booking(snapshot: booking_events.BookingSnapshot) -> PlayedBooking:
    played = to_datetime(snapshot.end_time) - to_datetime(snapshot.start_time)
    return PlayedBooking(player_id=snapshot.player_id, participant_ids=tuple(snapshot.participant_ids),
                         venue_id=snapshot.venue_id, minutes=int(played.total_seconds() // 60))


# -- the person's data export ---------------------------------------------------------------------------


def connection_view(view: ConnectionView) -> user_pb2.Connection:
    return connection(view.connection, view.other.profile, view.other.avatar_url)


def exported_data(data: ExportedData) -> api.ExportDataResponse:
    return api.ExportDataResponse(profile=profile(data.profile.profile, data.profile.avatar_url),
                                  preferences=preferences(data.preferences),
                                  connections=[connection_view(view) for view in data.connections],
                                  venue_visits=[api.VenueVisit(venue_id=visit.venue_id,
                                                               first_visit_at=timestamp(visit.first_visit_at))
                                                for visit in data.venue_visits])


# Each file of the archive, in order, and what it holds (the archive's README says so).
ARCHIVE_FILES = {
    "auth": "your account (email, phone, roles, verification) and your sign-in history",
    "user": "your profile, preferences, connections (friends, requests and blocks) and the venues you played at",
    "booking": "your bookings and the games you were invited to, series, waitlist and lottery entries, "
               "reviews, memberships, and the venues you own",
    "notify": "how we reach you (addresses, channels, quiet hours), your devices, calendar and reminders, "
              "your inbox messages and the log of every message sent to you",
    "payment": "the bills of your bookings, your payments (receipts) and refunds",
    "match": "your open matches with their seats and results, your level, its history and your record",
}


def archive_file_name(archive: Archive) -> str:
    return f"padel-data-{archive.exported_at.date().isoformat()}.zip"


def archive(made: Archive) -> api.ExportArchiveResponse:
    """A zip of one JSON file per service, printed as the edge prints REST answers (proto field names,
    fields at their default value too), and a README."""
    sections = {**made.parts, "user": exported_data(made.own)}
    stamp = made.exported_at.timetuple()[:6]
    readme = (f"Everything the Padel Platform keeps about you (user {made.user_id}), "
              f"exported {made.exported_at.isoformat(timespec='seconds')}.\n\n"
              + "".join(f"{name}.json: {what}.\n" for name, what in ARCHIVE_FILES.items()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_file:
        archive_file.writestr(zipfile.ZipInfo("README.txt", stamp), readme)
        for name in ARCHIVE_FILES:
            text = json_format.MessageToJson(sections[name], preserving_proto_field_name=True, indent=2,
                                             always_print_fields_with_no_presence=True)
            archive_file.writestr(zipfile.ZipInfo(f"{name}.json", stamp), text + "\n")
    return api.ExportArchiveResponse(body=httpbody_pb2.HttpBody(content_type="application/zip",
                                                                 data=buffer.getvalue()))
