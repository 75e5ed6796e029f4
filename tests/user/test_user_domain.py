"""user_svc's pure rules: field masks, profile and preference consistency (and the defaults a new
player's preferences row gets), who may deal with whom, who a booking counts for, and avatar image
handling. No server, no database."""

import datetime as dt
import io
import uuid

import pytest
from padel.user.v1 import user_pb2 as u
from PIL import Image

from mesh.caller import ADMIN, PLAYER, Caller
from mesh.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from user_svc import avatars, domain, store
from user_svc.domain import ConnectionStatus


def blank_profile() -> store.Profile:
    return store.Profile(user_id=str(uuid.uuid4()), display_name="", display_name_chosen=False, bio="", city=0,
                         city_other="", skill_level=0.0, skill_source=0, play_frequency=0, preferred_play_times=[],
                         preferred_hand=0, court_side=0)


def values(**changes):
    base = {"display_name": "", "bio": "", "city": 0, "city_other": "", "skill_level": 0.0, "play_frequency": 0,
            "preferred_play_times": [], "preferred_hand": 0, "court_side": 0}
    return {**base, **changes}


def field_of(error: InvalidArgument) -> str:
    return next(iter(error.fields))


@pytest.mark.parametrize("paths", [[], ["user_id"], ["avatar_url"], ["stats.no_shows"], ["skill_source"], ["email"]])
def test_profile_masks_name_only_writable_fields(paths):
    with pytest.raises(InvalidArgument) as caught:
        domain.apply_profile_changes(blank_profile(), paths, values())
    assert field_of(caught.value) == "update_mask"


def test_only_masked_fields_change_and_the_skill_source_is_recorded():
    profile = blank_profile()
    domain.apply_profile_changes(profile, ["bio", "skill_level"], values(bio="  Drive side  ", skill_level=5.5,
                                                                         display_name="ignored"))
    assert (profile.bio, profile.skill_level, profile.display_name) == ("Drive side", 5.5, "")
    assert profile.skill_source == u.SKILL_SOURCE_SELF_ASSESSED and not profile.display_name_chosen
    domain.apply_profile_changes(profile, ["display_name"], values(display_name="Ali"))
    assert profile.display_name_chosen


def test_city_other_goes_with_city_other_only():
    profile = blank_profile()
    with pytest.raises(InvalidArgument) as caught:
        domain.apply_profile_changes(profile, ["city"], values(city=u.CITY_OTHER))
    assert field_of(caught.value) == "profile.city_other"
    with pytest.raises(InvalidArgument):
        domain.apply_profile_changes(profile, ["city", "city_other"], values(city=u.CITY_LAHORE, city_other="Gujrat"))
    domain.apply_profile_changes(profile, ["city", "city_other"], values(city=u.CITY_OTHER, city_other="Gujrat"))
    domain.apply_profile_changes(profile, ["city"], values(city=u.CITY_KARACHI))
    assert (profile.city, profile.city_other) == (u.CITY_KARACHI, "")


def preferences() -> store.Preferences:
    return store.default_preferences(str(uuid.uuid4()), dt.datetime.now(dt.timezone.utc))


def test_the_numbers_the_rules_use_are_the_contracts():
    assert (domain.CITY_OTHER, domain.SKILL_SOURCE_SELF_ASSESSED) == (u.CITY_OTHER, u.SKILL_SOURCE_SELF_ASSESSED)
    assert (domain.LANGUAGE_EN, domain.CHANNEL_EMAIL) == (u.LANGUAGE_EN, u.CHANNEL_EMAIL)
    assert (domain.NOTIFICATION_KIND_BOOKING_CONFIRMATIONS, domain.NOTIFICATION_KIND_REMINDERS,
            domain.NOTIFICATION_KIND_MATCH_INVITES) == (u.NOTIFICATION_KIND_BOOKING_CONFIRMATIONS,
                                                        u.NOTIFICATION_KIND_REMINDERS, u.NOTIFICATION_KIND_MATCH_INVITES)
    assert domain.NOTIFICATION_KIND_CONNECTIONS == u.NOTIFICATION_KIND_CONNECTIONS


def test_default_preferences():
    p = preferences()
    assert (p.language, p.channels, p.time_zone, p.quiet_hours_start) == (u.LANGUAGE_EN, [u.CHANNEL_EMAIL],
                                                                         "Asia/Karachi", "")
    assert u.NOTIFICATION_KIND_MARKETING not in p.kinds and len(p.kinds) == 4
    assert u.NOTIFICATION_KIND_CONNECTIONS in p.kinds  # someone asking to connect is news a player expects


@pytest.mark.parametrize("paths, changes, field", [
    (["time_zone"], {"time_zone": "Asia/Lahore"}, "preferences.time_zone"),
    (["time_zone"], {"time_zone": "../../etc/passwd"}, "preferences.time_zone"),
    (["quiet_hours_start"], {"quiet_hours_start": "22:00"}, "preferences.quiet_hours_end"),
    (["quiet_hours_start", "quiet_hours_end"], {"quiet_hours_start": "22:00", "quiet_hours_end": "22:00"},
     "preferences.quiet_hours_end"),
    (["email"], {}, "update_mask"),
])
def test_bad_preferences_name_the_field(paths, changes, field):
    base = {"language": 0, "channels": [], "kinds": [], "quiet_hours_start": "", "quiet_hours_end": "",
            "time_zone": ""}
    with pytest.raises(InvalidArgument) as caught:
        domain.apply_preference_changes(preferences(), paths, {**base, **changes})
    assert field_of(caught.value) == field


def test_zero_values_reset_language_and_zone_to_defaults():
    p = preferences()
    p.language, p.time_zone = u.LANGUAGE_UR, "Europe/London"
    domain.apply_preference_changes(p, ["language", "time_zone"], {"language": 0, "time_zone": ""})
    assert (p.language, p.time_zone) == (u.LANGUAGE_EN, "Asia/Karachi")


def caller(user_id: str, role: str = PLAYER) -> Caller:
    return Caller(user_id=user_id, roles=frozenset({role}), token_id="t", expires_at=dt.datetime.now(dt.timezone.utc),
                  token="")


def test_a_player_deals_only_with_someone_else_who_is_still_around():
    me, other = str(uuid.uuid4()), blank_profile()
    with pytest.raises(InvalidArgument) as caught:
        domain.check_other_player(caller(me), me, blank_profile())
    assert field_of(caught.value) == "user_id"
    domain.check_other_player(caller(me), other.user_id, other)
    for gone in (None, store.Profile(user_id=other.user_id, closed_at=dt.datetime.now(dt.timezone.utc))):
        with pytest.raises(NotFound):
            domain.check_other_player(caller(me), other.user_id, gone)


def test_connection_requests_respect_blocks_without_revealing_theirs():
    with pytest.raises(FailedPrecondition):  # the caller's own block: they may be told
        domain.check_may_request(ConnectionStatus.BLOCKED, blocked_between=True)
    with pytest.raises(NotFound):  # the other's block looks like no such player
        domain.check_may_request(None, blocked_between=True)
    domain.check_may_request(ConnectionStatus.PENDING_INCOMING, blocked_between=False)
    with pytest.raises(NotFound):
        domain.check_may_accept(ConnectionStatus.PENDING_OUTGOING)
    with pytest.raises(NotFound):
        domain.check_may_remove(ConnectionStatus.BLOCKED)
    with pytest.raises(NotFound):
        domain.check_may_unblock(ConnectionStatus.CONNECTED)


def test_blocks_are_checked_by_the_two_players_or_an_admin():
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    domain.check_may_check_blocks(caller(me), me, other)
    domain.check_may_check_blocks(caller(me), other, me)
    domain.check_may_check_blocks(caller(str(uuid.uuid4()), ADMIN), me, other)
    with pytest.raises(PermissionDenied):
        domain.check_may_check_blocks(caller(str(uuid.uuid4())), me, other)
    with pytest.raises(InvalidArgument) as caught:
        domain.check_may_check_blocks(caller(me), me, me)
    assert field_of(caught.value) == "other_id"


def test_a_block_answer_tells_the_caller_only_of_their_own_block():
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    assert domain.block_answer(caller(me), me, user_blocked_other=True, other_blocked_user=False)
    assert domain.block_answer(caller(me), other, user_blocked_other=False, other_blocked_user=True)
    assert not domain.block_answer(caller(me), me, user_blocked_other=False, other_blocked_user=False)
    with pytest.raises(NotFound):  # they blocked me: they look like no such player
        domain.block_answer(caller(me), me, user_blocked_other=False, other_blocked_user=True)
    assert domain.block_answer(caller(str(uuid.uuid4()), ADMIN), me, user_blocked_other=False,
                               other_blocked_user=True)


@pytest.mark.parametrize("name, key", [("  Zára   KHAN ", "zara khan"), ("Ñoño Straße", "nono strasse"),
                                       ("Çelik Öztürk", "celik ozturk"), ("", "")])
def test_search_keys_ignore_case_accents_and_spacing(name, key):
    assert domain.search_key(name) == key


def test_a_profile_keeps_its_search_name_in_step_with_its_display_name():
    profile = blank_profile()
    domain.apply_profile_changes(profile, ["display_name"], values(display_name="Zoë Ahmed"))
    assert profile.search_name == "zoe ahmed"
    domain.erase_profile(profile, dt.datetime.now(dt.timezone.utc), account_closed=False)
    assert profile.search_name == "" and profile.findable is True


def test_a_search_must_narrow_by_something_and_its_levels_make_a_range():
    assert domain.player_search(" Zára  zara khan ", 0, 0, 0).words == ("zara", "khan")
    assert domain.player_search("", u.CITY_LAHORE, 0, 0).city == u.CITY_LAHORE
    assert domain.player_search("", 0, 2.0, 0).by_level
    with pytest.raises(InvalidArgument) as caught:
        domain.player_search("   ", 0, 0, 0)
    assert field_of(caught.value) == "query"
    with pytest.raises(InvalidArgument) as caught:
        domain.player_search("ali", 0, 4.0, 3.0)
    assert field_of(caught.value) == "max_level"


def test_a_booking_counts_once_for_each_real_player():
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    assert domain.players_of_booking(a, [b, a, "", "not-a-uuid"]) == [a, b]


def encoded(fmt, size=(400, 300), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt, mode", [("JPEG", "RGB"), ("PNG", "RGBA"), ("PNG", "P"), ("WEBP", "RGB")])
def test_avatars_become_256_px_webp_squares(fmt, mode):
    result = avatars.process(encoded(fmt, (900, 300), mode))
    assert result.source_format == fmt and result.content_type == "image/webp"
    with Image.open(io.BytesIO(result.data)) as image:
        assert image.format == "WEBP" and image.size == (256, 256)


@pytest.mark.parametrize("data", [b"", b"hello", encoded("GIF"), encoded("BMP"), encoded("JPEG")[:200],
                                  b"RIFF\x00\x00\x00\x00WEBPVP8 garbage"])
def test_anything_else_is_refused_naming_image(data):
    with pytest.raises(InvalidArgument) as caught:
        avatars.process(data)
    assert field_of(caught.value) == "image"


def test_images_too_large_in_pixels_are_refused_before_decoding():
    with pytest.raises(InvalidArgument) as caught:
        avatars.process(encoded("PNG", (10_000, 5_000), mode="1"))
    assert "too large" in caught.value.message
