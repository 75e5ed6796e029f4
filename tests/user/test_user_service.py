"""user_svc over real gRPC (server on port 0, full interceptor chain, real token checks), on the
embedded default (SQLite + in-process Redis) and on real PostgreSQL + real Redis."""

import datetime as dt
import io
import time
import uuid

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import events_pb2 as booking_events
from padel.match.v1 import events_pb2 as match_events
from padel.match.v1 import match_pb2
from padel.user.v1 import user_pb2 as u
from padel.user.v1 import user_service_pb2 as pb
from padel.user.v1 import user_service_pb2_grpc
from PIL import Image

from mesh import pager
from mesh.redis import make_redis
from padel_testkit import eventually, publish_event


@pytest.fixture(scope="module", params=["embedded", pytest.param("postgres", marks=[pytest.mark.postgres,
                                                                                   pytest.mark.redis])])
def user_service(request, tmp_path_factory, token_issuer):
    """One running user_svc per shape for the whole module (tests use fresh user ids), built as
    `start_service` builds it: the real server on port 0 with the full chain, tokens of `token_issuer`."""
    from user_svc import server

    folder = tmp_path_factory.mktemp("user")
    environ = {"PADEL_DATA_DIR": str(folder / "data"), "PADEL_USER_PORT": "0", "PADEL_AUTH_ADDR": token_issuer.address}
    redis_url = ""
    if request.param == "postgres":
        import padel_testkit

        redis_url = padel_testkit.real_server("PADEL_TEST_REDIS_URL")
        environ.update(PADEL_USER_DATABASE_URL=request.getfixturevalue("make_postgres_db")(), PADEL_REDIS_URL=redis_url)
    host, port = server.build_server(server.settings_from_env(environ))
    host.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    client = make_redis(redis_url)
    yield Service(user_service_pb2_grpc.UserServiceStub(channel), token_issuer, client, folder / "data" / "avatars",
                  host.database)
    client.close()
    channel.close()
    host.stop(0)


class Service:
    def __init__(self, stub, issuer, redis_client, avatar_dir, database):
        self.stub, self.issuer, self.redis, self.avatar_dir = stub, issuer, redis_client, avatar_dir
        self.database = database

    def call(self, method, caller_id, request=None, /, **fields):
        rpc = getattr(self.stub, method)
        message = request if request is not None else getattr(pb, method + "Request")(**fields)
        return rpc(message, metadata=self.issuer.metadata(caller_id), timeout=10)

    def publish(self, stream, message, event_id=None, **options):
        """An event as the outbox relay writes it into a stream (`padel_testkit.publish_event`)."""
        return publish_event(self.redis, stream, message, event_id, **options)


def new_id() -> str:
    return str(uuid.uuid4())


def error_of(call, *args, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return caught.value


def bad_fields(error: grpc.RpcError) -> dict[str, str]:
    status = rpc_status.from_call(error)
    fields = {}
    for detail in status.details if status else []:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            request = error_details_pb2.BadRequest()
            detail.Unpack(request)
            fields.update({v.field: v.description for v in request.field_violations})
    return fields


def image_bytes(fmt: str, size=(300, 200), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def published_on_user_stream(user_service, event_type: str, user_id: str) -> int:
    """How many events of `event_type` about `user_id` reached padel.user.events."""
    return sum(1 for _, fields in user_service.redis.xrange("padel.user.events")
               if fields[b"type"] == event_type.encode() and user_id.encode() in fields[b"data"])


def mask(*paths):
    return field_mask_pb2.FieldMask(paths=list(paths))


# -- profiles -------------------------------------------------------------------------------------


def test_first_access_creates_an_empty_profile_with_defaults(user_service):
    me = new_id()
    profile = user_service.call("GetProfile", me).profile
    assert profile.user_id == me and profile.display_name == "" and profile.stats.matches_played == 0
    preferences = user_service.call("GetPreferences", me).preferences
    assert preferences.language == u.LANGUAGE_EN
    assert list(preferences.channels) == [u.CHANNEL_EMAIL]
    assert set(preferences.kinds) == {u.NOTIFICATION_KIND_BOOKING_CONFIRMATIONS, u.NOTIFICATION_KIND_REMINDERS,
                                      u.NOTIFICATION_KIND_MATCH_INVITES, u.NOTIFICATION_KIND_CONNECTIONS}
    assert preferences.time_zone == "Asia/Karachi" and preferences.quiet_hours_start == ""


def test_update_changes_only_masked_fields_and_records_the_skill_source(user_service):
    me = new_id()
    first = pb.UpdateProfileRequest(profile=u.Profile(display_name="Ayesha K", bio="Lefty volleyer",
                                                      city=u.CITY_LAHORE), update_mask=mask("display_name", "bio", "city"))
    user_service.call("UpdateProfile", me, first)
    second = pb.UpdateProfileRequest(profile=u.Profile(display_name="ignored", bio="", skill_level=3.5,
                                                       preferred_play_times=[u.PLAY_TIME_EVENING, u.PLAY_TIME_NIGHT]),
                                     update_mask=mask("skill_level", "preferred_play_times"))
    profile = user_service.call("UpdateProfile", me, second).profile
    assert profile.display_name == "Ayesha K" and profile.bio == "Lefty volleyer" and profile.city == u.CITY_LAHORE
    assert profile.skill_level == 3.5 and profile.skill_source == u.SKILL_SOURCE_SELF_ASSESSED
    assert list(profile.preferred_play_times) == [u.PLAY_TIME_EVENING, u.PLAY_TIME_NIGHT]
    assert user_service.call("GetProfile", me).profile == profile


@pytest.mark.parametrize("path", ["user_id", "avatar_url", "stats", "stats.matches_played", "skill_source",
                                  "nickname"])
def test_read_only_or_unknown_mask_paths_are_refused(user_service, path):
    me = new_id()
    request = pb.UpdateProfileRequest(profile=u.Profile(user_id=new_id(), avatar_url="http://evil/x.png"),
                                      update_mask=mask("bio", path))
    error = error_of(user_service.call, "UpdateProfile", me, request)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "update_mask" in bad_fields(error)
    assert user_service.call("GetProfile", me).profile.avatar_url == ""


@pytest.mark.parametrize("profile, field", [
    (u.Profile(bio="x" * 501), "profile.bio"),
    (u.Profile(skill_level=7.5), "profile.skill_level"),
    (u.Profile(display_name="n" * 61), "profile.display_name"),
    (u.Profile(city=99), "profile.city"),
])
def test_bad_profile_values_are_refused_naming_the_field(user_service, profile, field):
    me = new_id()
    request = pb.UpdateProfileRequest(profile=profile, update_mask=mask("bio", "skill_level", "display_name", "city"))
    error = error_of(user_service.call, "UpdateProfile", me, request)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and field in bad_fields(error)


def test_other_city_needs_a_name(user_service):
    me = new_id()
    request = pb.UpdateProfileRequest(profile=u.Profile(city=u.CITY_OTHER), update_mask=mask("city"))
    error = error_of(user_service.call, "UpdateProfile", me, request)
    assert "profile.city_other" in bad_fields(error)
    request = pb.UpdateProfileRequest(profile=u.Profile(city=u.CITY_OTHER, city_other="Sialkot"),
                                      update_mask=mask("city", "city_other"))
    assert user_service.call("UpdateProfile", me, request).profile.city_other == "Sialkot"


def test_get_user_shows_only_the_public_part(user_service):
    owner, viewer = new_id(), new_id()
    request = pb.UpdateProfileRequest(
        profile=u.Profile(display_name="Bilal", bio="private bio text", city=u.CITY_KARACHI, skill_level=4.0,
                          play_frequency=u.PLAY_FREQUENCY_DAILY, preferred_hand=u.HAND_LEFT),
        update_mask=mask("display_name", "bio", "city", "skill_level", "play_frequency", "preferred_hand"))
    user_service.call("UpdateProfile", owner, request)
    public = user_service.call("GetUser", viewer, user_id=owner).profile
    assert public.display_name == "Bilal" and public.city == u.CITY_KARACHI and public.skill_level == 4.0
    assert public.preferred_hand == u.HAND_LEFT
    # PublicProfile has no bio, preferences or play habits at all; nothing private is in the bytes.
    assert b"private bio text" not in public.SerializeToString()
    assert set(f.name for f in pb.GetUserResponse.DESCRIPTOR.fields_by_name["profile"].message_type.fields).isdisjoint(
        {"bio", "play_frequency", "preferred_play_times", "stats"})
    assert error_of(user_service.call, "GetUser", viewer, user_id=new_id()).code() == grpc.StatusCode.NOT_FOUND


def test_calls_need_a_valid_token(start_service, token_issuer):
    _, channel = start_service("user")
    stub = user_service_pb2_grpc.UserServiceStub(channel)
    error = error_of(stub.GetProfile, pb.GetProfileRequest(), timeout=10)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    expired = token_issuer.token(new_id(), lifetime=dt.timedelta(seconds=-60))
    error = error_of(stub.GetProfile, pb.GetProfileRequest(), metadata=(("authorization", f"Bearer {expired}"),),
                     timeout=10)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    me = new_id()
    assert stub.GetProfile(pb.GetProfileRequest(), metadata=token_issuer.metadata(me), timeout=10).profile.user_id == me


# -- preferences ----------------------------------------------------------------------------------


def test_preferences_update_and_validation(user_service):
    me = new_id()
    request = pb.UpdatePreferencesRequest(
        preferences=u.Preferences(language=u.LANGUAGE_UR, channels=[u.CHANNEL_WHATSAPP, u.CHANNEL_PUSH],
                                  quiet_hours_start="22:30", quiet_hours_end="07:00", time_zone="Asia/Dubai"),
        update_mask=mask("language", "channels", "quiet_hours_start", "quiet_hours_end", "time_zone"))
    preferences = user_service.call("UpdatePreferences", me, request).preferences
    assert preferences.language == u.LANGUAGE_UR and list(preferences.channels) == [u.CHANNEL_WHATSAPP, u.CHANNEL_PUSH]
    assert (preferences.quiet_hours_start, preferences.quiet_hours_end) == ("22:30", "07:00")
    assert preferences.time_zone == "Asia/Dubai" and len(preferences.kinds) == 4  # the defaults kept
    for bad, field in [(u.Preferences(time_zone="Mars/Olympus"), "preferences.time_zone"),
                       (u.Preferences(quiet_hours_start="25:00"), "preferences.quiet_hours_start"),
                       (u.Preferences(channels=[u.CHANNEL_SMS, u.CHANNEL_SMS]), "preferences.channels")]:
        request = pb.UpdatePreferencesRequest(preferences=bad, update_mask=mask("time_zone", "quiet_hours_start",
                                                                                "channels"))
        error = error_of(user_service.call, "UpdatePreferences", me, request)
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and field in bad_fields(error), bad_fields(error)
    assert user_service.call("GetPreferences", me).preferences == preferences


def test_preferences_changes_are_published_for_notify(user_service):
    me = new_id()
    user_service.call("GetPreferences", me)  # created with defaults: one event
    request = pb.UpdatePreferencesRequest(preferences=u.Preferences(kinds=[u.NOTIFICATION_KIND_MARKETING]),
                                          update_mask=mask("kinds"))
    user_service.call("UpdatePreferences", me, request)

    def published():
        from padel.user.v1 import events_pb2

        found = []
        for _, fields in user_service.redis.xrange("padel.user.events"):
            if fields[b"type"] == b"padel.user.v1.PreferencesChanged":
                event = events_pb2.PreferencesChanged.FromString(fields[b"data"])
                if event.user_id == me:
                    found.append(event)
        return found if len(found) >= 2 else None

    events = eventually(published)
    assert events, "PreferencesChanged not relayed"
    assert list(events[0].preferences.channels) == [u.CHANNEL_EMAIL]
    assert list(events[-1].preferences.kinds) == [u.NOTIFICATION_KIND_MARKETING]


# -- avatars --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_avatar_is_recognised_cropped_and_stored(user_service, fmt):
    me = new_id()
    url = user_service.call("UploadAvatar", me, image=image_bytes(fmt, size=(640, 320))).avatar_url
    assert url.startswith("/api/users/avatars/") and url.endswith(".webp")
    stored = user_service.avatar_dir / url.removeprefix("/api/users/avatars/")
    with Image.open(stored) as image:
        assert image.format == "WEBP" and image.size == (256, 256)
    assert user_service.call("GetProfile", me).profile.avatar_url == url
    # A new avatar replaces the old file.
    newer = user_service.call("UploadAvatar", me, image=image_bytes("PNG")).avatar_url
    assert newer != url and not stored.exists()


@pytest.mark.parametrize("data", [b"GIF89a" + b"\0" * 64, b"%PDF-1.4 not an image", image_bytes("PNG")[:60],
                                  image_bytes("GIF")])
def test_bad_images_are_refused_naming_image(user_service, data):
    error = error_of(user_service.call, "UploadAvatar", new_id(), image=data)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "image" in bad_fields(error)


def test_oversized_upload_is_refused(user_service):
    error = error_of(user_service.call, "UploadAvatar", new_id(), image=b"\xff" * (2 * 1024 * 1024 + 1))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "image" in bad_fields(error)


# -- connections ----------------------------------------------------------------------------------


def test_connection_request_accept_and_remove(user_service):
    a, b = new_id(), new_id()
    user_service.call("GetProfile", b)
    requested = user_service.call("RequestConnection", a, user_id=b).connection
    assert requested.status == u.CONNECTION_STATUS_PENDING_OUTGOING and requested.user_id == b
    again = user_service.call("RequestConnection", a, user_id=b).connection
    assert again.status == u.CONNECTION_STATUS_PENDING_OUTGOING and again.created_at == requested.created_at
    incoming = user_service.call("ListConnections", b).connections
    assert [(c.user_id, c.status) for c in incoming] == [(a, u.CONNECTION_STATUS_PENDING_INCOMING)]
    accepted = user_service.call("AcceptConnection", b, user_id=a).connection
    assert accepted.status == u.CONNECTION_STATUS_CONNECTED
    avatar_url = user_service.call("UploadAvatar", b, image=image_bytes("JPEG")).avatar_url
    listed = user_service.call("ListConnections", a, status=u.CONNECTION_STATUS_CONNECTED).connections
    assert [(c.user_id, c.profile.avatar_url) for c in listed] == [(b, avatar_url)]
    user_service.call("RemoveConnection", a, user_id=b)
    assert list(user_service.call("ListConnections", b).connections) == []


def test_requesting_someone_who_asked_first_connects(user_service):
    a, b = new_id(), new_id()
    user_service.call("GetProfile", b)
    user_service.call("RequestConnection", a, user_id=b)
    assert user_service.call("RequestConnection", b, user_id=a).connection.status == u.CONNECTION_STATUS_CONNECTED


def test_connection_requests_to_unknown_or_oneself_fail(user_service):
    me = new_id()
    assert error_of(user_service.call, "RequestConnection", me, user_id=new_id()).code() == grpc.StatusCode.NOT_FOUND
    error = error_of(user_service.call, "RequestConnection", me, user_id=me)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "user_id" in bad_fields(error)
    user_service.call("GetProfile", other := new_id())
    user_service.call("RequestConnection", me, user_id=other)
    user_service.call("DeclineConnection", other, user_id=me)
    assert list(user_service.call("ListConnections", me).connections) == []
    assert error_of(user_service.call, "AcceptConnection", other, user_id=me).code() == grpc.StatusCode.NOT_FOUND


def test_block_hides_each_from_the_other(user_service):
    a, b = new_id(), new_id()
    user_service.call("GetProfile", b)
    user_service.call("RequestConnection", a, user_id=b)
    user_service.call("AcceptConnection", b, user_id=a)
    user_service.call("BlockUser", b, user_id=a)
    user_service.call("BlockUser", b, user_id=a)  # twice is the same
    for viewer, other in ((a, b), (b, a)):
        assert error_of(user_service.call, "GetUser", viewer, user_id=other).code() == grpc.StatusCode.NOT_FOUND
    assert list(user_service.call("ListConnections", a).connections) == []
    assert list(user_service.call("ListConnections", b).connections) == []
    blocked = user_service.call("ListConnections", b, status=u.CONNECTION_STATUS_BLOCKED).connections
    assert [(c.user_id, c.status) for c in blocked] == [(a, u.CONNECTION_STATUS_BLOCKED)]
    assert error_of(user_service.call, "RequestConnection", a, user_id=b).code() == grpc.StatusCode.NOT_FOUND
    user_service.call("UnblockUser", b, user_id=a)
    assert user_service.call("GetUser", a, user_id=b).profile.user_id == b
    assert user_service.call("RequestConnection", a, user_id=b).connection.status == u.CONNECTION_STATUS_PENDING_OUTGOING


def test_connections_are_paginated(user_service):
    me = new_id()
    others = [new_id() for _ in range(5)]
    for other in others:
        user_service.call("GetProfile", other)
        user_service.call("RequestConnection", me, user_id=other)
    seen, token, tokens = [], "", []
    while True:
        page = user_service.call("ListConnections", me, page_size=2, page_token=token)
        assert len(page.connections) <= 2
        seen += [c.user_id for c in page.connections]
        token = page.next_page_token
        if not token:
            break
        tokens.append(token)
    assert sorted(seen) == sorted(others) and len(seen) == 5
    # Garbage, a forged token and a token of another list are refused, naming the field.
    for bad in ("not-a-token", "%%%", "bm90LWEtdG9rZW4", tokens[0].upper(), pager.encode_token("venues", [1, 2])):
        error = error_of(user_service.call, "ListConnections", me, page_token=bad)
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in bad_fields(error), bad


# -- events ---------------------------------------------------------------------------------------


def test_user_registered_creates_one_profile_even_when_delivered_twice(user_service):
    me = new_id()
    event = auth_events.UserRegistered(user_id=me, email="sana@example.pk", first_name="Sana", last_name="Mir")
    event_id = user_service.publish("padel.auth.events", event)
    user_service.publish("padel.auth.events", event, event_id=event_id)  # redelivered
    profile = eventually(lambda: (p := user_service.call("GetProfile", me).profile).display_name and p)
    assert profile.display_name == "Sana Mir"
    # A second copy under a new event id (auth's relay sent it twice) must not reset anything either.
    request = pb.UpdateProfileRequest(profile=u.Profile(bio="hello"), update_mask=mask("bio"))
    user_service.call("UpdateProfile", me, request)
    user_service.publish("padel.auth.events", event, handled_by="user")
    again = user_service.call("GetProfile", me).profile
    assert again.bio == "hello" and again.created_at == profile.created_at and again.display_name == "Sana Mir"


def test_late_registration_fills_the_name_without_overwriting_the_players_choice(user_service):
    early, chosen = new_id(), new_id()
    user_service.call("GetProfile", early)
    request = pb.UpdateProfileRequest(profile=u.Profile(display_name="Ace"), update_mask=mask("display_name"))
    user_service.call("UpdateProfile", chosen, request)
    for user_id in (early, chosen):
        user_service.publish("padel.auth.events", auth_events.UserRegistered(user_id=user_id, first_name="Omar",
                                                                            last_name="Farooq"))
    assert eventually(lambda: user_service.call("GetProfile", early).profile.display_name == "Omar Farooq")
    assert user_service.call("GetProfile", chosen).profile.display_name == "Ace"


def test_booking_events_count_into_stats_once(user_service):
    booker, friend = new_id(), new_id()
    start = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.timezone.utc)

    def snapshot(venue):
        s = booking_events.BookingSnapshot(booking_id=new_id(), venue_id=venue, player_id=booker,
                                           participant_ids=[friend, booker])
        s.start_time.FromDatetime(start)
        s.end_time.FromDatetime(start + dt.timedelta(minutes=90))
        return s

    venue_a, venue_b = new_id(), new_id()
    first = user_service.publish("padel.booking.events", booking_events.BookingCompleted(booking=snapshot(venue_a)))
    user_service.publish("padel.booking.events", booking_events.BookingCompleted(booking=snapshot(venue_a)),
                         event_id=first)  # redelivered: counted once
    user_service.publish("padel.booking.events", booking_events.BookingCompleted(booking=snapshot(venue_a)))
    user_service.publish("padel.booking.events", booking_events.BookingCompleted(booking=snapshot(venue_b)))
    user_service.publish("padel.booking.events", booking_events.BookingNoShow(booking=snapshot(venue_b)))
    stats = eventually(lambda: (s := user_service.call("GetStats", booker).stats).no_shows and s)
    assert (stats.matches_played, stats.minutes_on_court, stats.venues_visited, stats.no_shows) == (3, 270, 2, 1)
    assert user_service.call("GetStats", friend).stats.matches_played == 3
    assert user_service.call("GetProfile", booker).profile.stats == stats
    assert user_service.call("GetUser", friend, user_id=booker).profile.matches_played == 3
    # The export names the venues behind the count, each with its first visit.
    visits = user_service.call("ExportData", booker).venue_visits
    assert sorted(v.venue_id for v in visits) == sorted([venue_a, venue_b])
    assert all(v.HasField("first_visit_at") for v in visits)


def test_the_profile_shows_the_level_match_svc_rates_and_search_by_level_uses_it(user_service):
    player, searcher = new_id(), new_id()
    user_service.call("UpdateProfile", player, profile=u.Profile(display_name="Level Shown", skill_level=2.0),
                      update_mask=mask("display_name", "skill_level"))
    assert not user_service.call("GetProfile", player).profile.HasField("match_level")
    moment = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.timezone.utc)

    def changed(level: float, at: dt.datetime) -> match_events.LevelChanged:
        event = match_events.LevelChanged(player_id=player, match_id=new_id(), level_before=2.0, level_after=level,
                                          reliability_after=0.3)
        event.changed_at.FromDatetime(at)
        return event

    started = match_events.StartingLevelSet(player_id=player, level=2.0, reliability=0.1,
                                            start=match_pb2.LEVEL_START_PROFILE)
    started.changed_at.FromDatetime(moment)
    user_service.publish("padel.match.events", started, handled_by="user")
    user_service.publish("padel.match.events", changed(4.25, moment + dt.timedelta(hours=2)), handled_by="user")
    # An older level handled late changes nothing.
    user_service.publish("padel.match.events", changed(1.0, moment + dt.timedelta(hours=1)), handled_by="user")
    own = user_service.call("GetProfile", player).profile
    assert (own.match_level.level, own.match_level.reliability) == (4.25, 0.3)
    assert own.match_level.updated_at.ToDatetime(tzinfo=dt.timezone.utc) == moment + dt.timedelta(hours=2)
    assert (own.skill_level, own.skill_source) == (2.0, u.SKILL_SOURCE_SELF_ASSESSED)  # the player's own estimate
    assert user_service.call("GetUser", searcher, user_id=player).profile.match_level.level == 4.25
    # A level bound compares match_svc's level when it has one, else the player's own.
    found = user_service.call("SearchPlayers", searcher, query="level shown", min_level=4.0).players
    assert [f.user_id for f in found] == [player]
    assert not user_service.call("SearchPlayers", searcher, query="level shown", max_level=3.0).players
    # Deleting the profile erases the copy too; a level set before the deletion does not come back.
    user_service.call("DeleteProfile", player)
    assert not user_service.call("GetProfile", player).profile.HasField("match_level")
    user_service.publish("padel.match.events", changed(5.0, moment + dt.timedelta(hours=3)), handled_by="user")
    assert not user_service.call("GetProfile", player).profile.HasField("match_level")


# -- your data ------------------------------------------------------------------------------------


def test_export_and_delete(user_service):
    me, friend = new_id(), new_id()
    user_service.call("GetProfile", friend)
    request = pb.UpdateProfileRequest(profile=u.Profile(display_name="Hina", bio="mine"),
                                      update_mask=mask("display_name", "bio"))
    user_service.call("UpdateProfile", me, request)
    url = user_service.call("UploadAvatar", me, image=image_bytes("PNG")).avatar_url
    user_service.call("RequestConnection", me, user_id=friend)
    exported = user_service.call("ExportData", me)
    assert exported.profile.bio == "mine" and exported.profile.avatar_url == url
    assert exported.preferences.time_zone == "Asia/Karachi"
    assert [(c.user_id, c.status) for c in exported.connections] == [(friend, u.CONNECTION_STATUS_PENDING_OUTGOING)]

    user_service.call("DeleteProfile", me)
    profile = user_service.call("GetProfile", me).profile
    assert (profile.display_name, profile.bio, profile.avatar_url) == ("", "", "")
    assert not (user_service.avatar_dir / url.removeprefix("/api/users/avatars/")).exists()
    assert list(user_service.call("ListConnections", friend).connections) == []
    assert list(user_service.call("ExportData", me).connections) == []

    def deleted_published():
        return any(fields[b"type"] == b"padel.user.v1.ProfileDeleted" and me.encode() in fields[b"data"]
                   for _, fields in user_service.redis.xrange("padel.user.events"))

    assert eventually(deleted_published)


def test_concurrent_first_calls_make_one_profile(user_service):
    from concurrent.futures import ThreadPoolExecutor

    me = new_id()
    with ThreadPoolExecutor(8) as pool:
        profiles = list(pool.map(lambda _: user_service.call("GetProfile", me).profile, range(8)))
    assert len({p.created_at.ToNanoseconds() for p in profiles}) == 1

    def published():
        from padel.user.v1 import events_pb2

        return [fields for _, fields in user_service.redis.xrange("padel.user.events")
                if fields[b"type"] == b"padel.user.v1.PreferencesChanged"
                and events_pb2.PreferencesChanged.FromString(fields[b"data"]).user_id == me]

    assert eventually(published)
    time.sleep(0.3)
    assert len(published()) == 1  # defaults announced once, by the call that made the profile


def test_account_deleted_erases_the_person_for_everyone(user_service):
    """auth's AccountDeleted (delivered twice, under two event ids): the person's profile, avatar
    (file too), preferences and every connection, request and block either way are gone for the
    others, late events cannot bring the profile back, and notify is told (ProfileDeleted)."""
    from sqlalchemy import or_, select

    from user_svc import store

    me, friend, asked, blocker, blocked = (new_id() for _ in range(5))
    for other in (friend, asked, blocker, blocked):
        user_service.call("GetProfile", other)
    user_service.publish("padel.auth.events", auth_events.UserRegistered(user_id=me, first_name="Zara", last_name="Ali"))
    request = pb.UpdateProfileRequest(profile=u.Profile(bio="lefty from Lahore", city=u.CITY_LAHORE),
                                      update_mask=mask("bio", "city"))
    user_service.call("UpdateProfile", me, request)
    request = pb.UpdatePreferencesRequest(preferences=u.Preferences(quiet_hours_start="23:00", quiet_hours_end="07:00"),
                                          update_mask=mask("quiet_hours_start", "quiet_hours_end"))
    user_service.call("UpdatePreferences", me, request)
    file_name = user_service.call("UploadAvatar", me, image=image_bytes("PNG")).avatar_url.rsplit("/", 1)[1]
    user_service.call("RequestConnection", me, user_id=friend)
    user_service.call("AcceptConnection", friend, user_id=me)
    user_service.call("RequestConnection", me, user_id=asked)
    user_service.call("BlockUser", me, user_id=blocked)
    user_service.call("BlockUser", blocker, user_id=me)
    assert eventually(lambda: user_service.call("GetProfile", me).profile.display_name == "Zara Ali")

    deleted = auth_events.AccountDeleted(user_id=me)
    deleted.deleted_at.GetCurrentTime()
    user_service.publish("padel.auth.events", deleted)
    user_service.publish("padel.auth.events", deleted, handled_by="user")  # auth's relay sent it twice

    for other in (friend, asked, blocker, blocked):
        assert error_of(user_service.call, "GetUser", other, user_id=me).code() == grpc.StatusCode.NOT_FOUND
        assert error_of(user_service.call, "RequestConnection", other, user_id=me).code() == grpc.StatusCode.NOT_FOUND
        for status in (0, u.CONNECTION_STATUS_BLOCKED):
            assert list(user_service.call("ListConnections", other, status=status).connections) == []
    error = error_of(user_service.stub.GetAvatar, pb.GetAvatarRequest(file_name=file_name), timeout=10)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert not (user_service.avatar_dir / file_name).exists()
    # A token that outlived the account reaches nothing, and recreates nothing.
    for method in ("GetProfile", "GetPreferences", "ExportData", "GetStats"):
        assert error_of(user_service.call, method, me).code() == grpc.StatusCode.NOT_FOUND, method
    assert eventually(lambda: published_on_user_stream(user_service, "padel.user.v1.ProfileDeleted", me) == 1)

    # Late events: a redelivered registration, and a game finished after the account closed (with
    # a friend, whose count shows the event was handled).
    user_service.publish("padel.auth.events", auth_events.UserRegistered(user_id=me, first_name="Zara", last_name="Ali"),
                         handled_by="user")
    game = booking_events.BookingSnapshot(booking_id=new_id(), venue_id=new_id(), player_id=me, participant_ids=[friend])
    game.start_time.GetCurrentTime()
    game.end_time.GetCurrentTime()
    user_service.publish("padel.booking.events", booking_events.BookingCompleted(booking=game), handled_by="user")
    assert user_service.call("GetStats", friend).stats.matches_played == 1
    assert error_of(user_service.call, "GetUser", friend, user_id=me).code() == grpc.StatusCode.NOT_FOUND

    # Nothing that names the person is left: an empty row (the tombstone), no other row about them.
    with user_service.database.session() as session:
        profile = session.get(store.Profile, me)
        assert profile.closed_at is not None
        assert (profile.display_name, profile.bio, profile.city, profile.matches_played) == ("", "", 0, 0)
        assert session.get(store.Preferences, me) is None and session.get(store.Avatar, me) is None
        assert session.scalars(select(store.Connection).where(
            or_(store.Connection.user_id == me, store.Connection.other_id == me))).all() == []
        assert session.scalars(select(store.VenueVisit).where(store.VenueVisit.user_id == me)).all() == []
    assert published_on_user_stream(user_service, "padel.user.v1.ProfileDeleted", me) == 1


def test_account_deleted_for_a_player_never_seen_leaves_only_the_tombstone(user_service):
    """An account user_svc never heard of (its registration not handled yet) gets no profile later."""
    me = new_id()
    user_service.publish("padel.auth.events", auth_events.AccountDeleted(user_id=me), handled_by="user")
    assert eventually(lambda: published_on_user_stream(user_service, "padel.user.v1.ProfileDeleted", me) == 1)
    user_service.publish("padel.auth.events", auth_events.UserRegistered(user_id=me, first_name="Late"),
                         handled_by="user")
    assert error_of(user_service.call, "GetProfile", me).code() == grpc.StatusCode.NOT_FOUND
    assert published_on_user_stream(user_service, "padel.user.v1.PreferencesChanged", me) == 0


# -- announcements, search and blocks (issue 12) --------------------------------------------------


def test_requests_and_acceptances_are_announced_once_and_closed_accounts_are_never_found(user_service):
    me, friend, word = new_id(), new_id(), uuid.uuid4().hex
    user_service.call("UpdateProfile", me, profile=u.Profile(display_name="Asker"), update_mask=mask("display_name"))
    user_service.call("UpdateProfile", friend, profile=u.Profile(display_name=f"Friend {word}"),
                      update_mask=mask("display_name"))
    for _ in range(2):  # asking or accepting again changes nothing, so announces nothing
        user_service.call("RequestConnection", me, user_id=friend)
    for _ in range(2):
        user_service.call("AcceptConnection", friend, user_id=me)
    # The relay publishes in outbox order: once the acceptance is out, a second request would be too.
    assert eventually(lambda: published_on_user_stream(user_service, "padel.user.v1.ConnectionAccepted", friend) == 1)
    assert published_on_user_stream(user_service, "padel.user.v1.ConnectionRequested", friend) == 1

    assert [p.user_id for p in user_service.call("SearchPlayers", me, query=word).players] == [friend]
    assert not user_service.call("CheckBlocked", me, user_id=me, other_id=friend).blocked
    user_service.publish("padel.auth.events", auth_events.AccountDeleted(user_id=friend), handled_by="user")
    assert list(user_service.call("SearchPlayers", me, query=word).players) == []
    error = error_of(user_service.call, "CheckBlocked", me, user_id=me, other_id=friend)
    assert error.code() == grpc.StatusCode.NOT_FOUND
