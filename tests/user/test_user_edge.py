"""user_svc through the real Envoy edge: REST/JSON with real access tokens (the `platform` fixture,
embedded shape), as web and mobile clients call it."""

import base64
import io
import random
import re
import string
import uuid

import grpc
import pytest
import requests
from padel.user.v1 import events_pb2 as user_events
from padel.user.v1 import user_service_pb2, user_service_pb2_grpc
from PIL import Image

from mesh.redis import make_redis
from padel_testkit import eventually


def new_id() -> str:
    return str(uuid.uuid4())


def png(size=(120, 80)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


class Client:
    """One player talking to the edge."""

    def __init__(self, platform, user_id=None):
        self.user_id = user_id or new_id()
        self.base = platform.url
        self.headers = platform.headers(self.user_id)

    def __getattr__(self, verb):
        def send(path, **kwargs):
            return requests.request(verb.upper(), self.base + path, headers=self.headers, timeout=15, **kwargs)
        return send


@pytest.fixture
def player(platform):
    return Client(platform)


def named(platform, name, **fields) -> Client:
    """A player whose profile has `name` and the other given fields (proto names, JSON values)."""
    client = Client(platform)
    profile = {"display_name": name, **fields}
    response = client.put("/api/users/profile", json={"profile": profile, "update_mask": ",".join(profile)})
    assert response.status_code == 200, response.text
    return client


def tag() -> str:
    """A word no other test's player has in their name, so searches see only this test's players."""
    return "".join(random.choices(string.ascii_lowercase, k=10))


def found(client, **params) -> list[str]:
    response = client.get("/api/users/search", params=params)
    assert response.status_code == 200, response.text
    return [player["user_id"] for player in response.json().get("players", [])]


def counter(platform, name: str) -> float:
    """A counter's value on user_svc's metrics port (0 before its first increment)."""
    text = requests.get(platform.metrics_url("user"), timeout=15).text
    match = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_profile_get_and_masked_update(platform, player):
    response = player.get("/api/users/profile")
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["user_id"] == player.user_id
    body = {"profile": {"display_name": "Zara", "bio": "Weekend smasher", "city": "CITY_ISLAMABAD",
                        "skill_level": 2.5, "court_side": "COURT_SIDE_LEFT", "preferred_play_times": ["PLAY_TIME_MORNING"]},
            "update_mask": "displayName,bio,city,skillLevel,courtSide,preferredPlayTimes"}
    response = player.put("/api/users/profile", json=body)
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["display_name"] == "Zara" and profile["city"] == "CITY_ISLAMABAD"
    assert profile["skill_source"] == "SKILL_SOURCE_SELF_ASSESSED"
    response = player.put("/api/users/profile", json={"profile": {"bio": "changed", "display_name": "not me"},
                                                        "update_mask": "bio"})
    assert response.json()["profile"]["display_name"] == "Zara" and response.json()["profile"]["bio"] == "changed"


@pytest.mark.parametrize("body, field", [
    ({"profile": {"avatar_url": "http://evil.example/x.png"}, "update_mask": "avatarUrl"}, "update_mask"),
    ({"profile": {"bio": "x" * 501}, "update_mask": "bio"}, "profile.bio"),
    ({"profile": {"skill_level": 9}, "update_mask": "skillLevel"}, "profile.skill_level"),
])
def test_bad_profile_updates_are_400_naming_the_field(player, body, field):
    response = player.put("/api/users/profile", json=body)
    assert response.status_code == 400, response.text
    assert field in response.text


def test_others_see_only_the_public_profile(platform, player):
    player.put("/api/users/profile", json={"profile": {"display_name": "Kamran", "bio": "secret-bio-1234",
                                                       "play_frequency": "PLAY_FREQUENCY_DAILY"},
                                           "update_mask": "displayName,bio,playFrequency"})
    player.put("/api/users/preferences", json={"preferences": {"time_zone": "Europe/London"}, "update_mask": "timeZone"})
    viewer = Client(platform)
    response = viewer.get(f"/api/users/{player.user_id}")
    assert response.status_code == 200, response.text
    public = response.json()["profile"]
    assert public["display_name"] == "Kamran"
    for private in ("secret-bio-1234", "PLAY_FREQUENCY_DAILY", "Europe/London", "bio", "preferences"):
        assert private not in response.text
    assert viewer.get(f"/api/users/{new_id()}").status_code == 404
    # There is no call to change someone else's profile: the update always applies to the caller.
    viewer.put("/api/users/profile", json={"profile": {"user_id": player.user_id, "bio": "hacked"},
                                           "update_mask": "bio"})
    assert player.get("/api/users/profile").json()["profile"]["bio"] == "secret-bio-1234"


def test_requests_without_a_valid_token_are_401(platform):
    assert requests.get(platform.url + "/api/users/profile", timeout=10).status_code == 401
    bad = {"authorization": "Bearer not.a.token"}
    assert requests.get(platform.url + "/api/users/preferences", headers=bad, timeout=10).status_code == 401


def test_preferences(player):
    response = player.get("/api/users/preferences")
    assert response.status_code == 200, response.text
    preferences = response.json()["preferences"]
    assert preferences["language"] == "LANGUAGE_EN" and preferences["channels"] == ["CHANNEL_EMAIL"]
    assert preferences["time_zone"] == "Asia/Karachi"
    assert "NOTIFICATION_KIND_MARKETING" not in preferences["kinds"]
    body = {"preferences": {"language": "LANGUAGE_UR", "quiet_hours_start": "23:00", "quiet_hours_end": "08:00"},
            "update_mask": "language,quietHoursStart,quietHoursEnd"}
    response = player.put("/api/users/preferences", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["preferences"]["quiet_hours_start"] == "23:00"
    response = player.put("/api/users/preferences", json={"preferences": {"time_zone": "Asia/Nowhere"},
                                                          "update_mask": "timeZone"})
    assert response.status_code == 400 and "preferences.time_zone" in response.text


def test_avatar_upload(player):
    response = player.post("/api/users/upload-avatar", json={"image": png()})
    assert response.status_code == 200, response.text
    url = response.json()["avatar_url"]
    assert url.startswith("/api/users/avatars/") and url.endswith(".webp")
    assert player.get("/api/users/profile").json()["profile"]["avatar_url"] == url


@pytest.mark.parametrize("image", [base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode(),
                                   base64.b64encode(b"\x89PNG\r\n\x1a\n truncated").decode()])
def test_bad_avatars_are_400(player, image):
    response = player.post("/api/users/upload-avatar", json={"image": image})
    assert response.status_code == 400, response.text
    assert "image" in response.text


def test_an_image_just_over_2_mb_is_400_naming_image(player):
    image = base64.b64encode(b"\xff\xd8\xff" + b"\0" * (2 * 1024 * 1024 - 2)).decode()
    response = player.post("/api/users/upload-avatar", json={"image": image})
    assert response.status_code == 400, (response.status_code, response.text[:200])
    assert "image" in response.text


@pytest.mark.parametrize("size", [3 * 1024 * 1024, 6 * 1024 * 1024])
def test_bodies_over_the_edge_limit_are_413_json(player, size):
    # The edge holds REST bodies up to 4 MiB (a 2 MB image is ~2.7 MB as base64 JSON); beyond
    # that it answers itself, before any service reads the body.
    image = base64.b64encode(b"\0" * size).decode()
    response = player.post("/api/users/upload-avatar", json={"image": image})
    assert response.status_code == 413, (response.status_code, response.text[:200])
    assert response.json()["code"] == 8  # RESOURCE_EXHAUSTED, in google.rpc.Status shape


def test_connections_flow(platform, player):
    friend = Client(platform)
    friend.get("/api/users/profile")
    response = player.post("/api/users/connections", json={"user_id": friend.user_id})
    assert response.status_code == 200, response.text
    assert response.json()["connection"]["status"] == "CONNECTION_STATUS_PENDING_OUTGOING"
    assert player.post("/api/users/connections", json={"user_id": friend.user_id}).status_code == 200
    incoming = friend.get("/api/users/connections", params={"status": "CONNECTION_STATUS_PENDING_INCOMING"}).json()
    assert [c["user_id"] for c in incoming["connections"]] == [player.user_id]
    response = friend.post(f"/api/users/connections/{player.user_id}/accept")
    assert response.status_code == 200 and response.json()["connection"]["status"] == "CONNECTION_STATUS_CONNECTED"
    listed = player.get("/api/users/connections", params={"page_size": 10}).json()["connections"]
    assert [(c["user_id"], c["profile"]["user_id"]) for c in listed] == [(friend.user_id, friend.user_id)]
    assert player.delete(f"/api/users/connections/{friend.user_id}").status_code == 200
    assert player.get("/api/users/connections").json().get("connections", []) == []

    assert player.post("/api/users/connections", json={"user_id": new_id()}).status_code == 404
    assert player.post("/api/users/connections", json={"user_id": player.user_id}).status_code == 400
    assert player.post("/api/users/connections", json={"user_id": "not-a-uuid"}).status_code == 400

    player.post("/api/users/connections", json={"user_id": friend.user_id})
    assert friend.post(f"/api/users/connections/{player.user_id}/decline").status_code == 200
    assert friend.post(f"/api/users/connections/{player.user_id}/accept").status_code == 404


def test_block_and_unblock(platform, player):
    other = Client(platform)
    other.get("/api/users/profile")
    assert player.post(f"/api/users/connections/{other.user_id}/block").status_code == 200
    assert other.get(f"/api/users/{player.user_id}").status_code == 404
    assert player.get(f"/api/users/{other.user_id}").status_code == 404
    assert other.post("/api/users/connections", json={"user_id": player.user_id}).status_code == 404
    blocked = player.get("/api/users/connections", params={"status": "CONNECTION_STATUS_BLOCKED"}).json()
    assert [c["user_id"] for c in blocked["connections"]] == [other.user_id]
    assert player.delete(f"/api/users/connections/{other.user_id}/block").status_code == 200
    assert other.get(f"/api/users/{player.user_id}").status_code == 200


def test_stats_export_and_delete(platform, player):
    response = player.get("/api/users/stats")
    assert response.status_code == 200, response.text
    assert response.json()["stats"]["matches_played"] == 0
    player.put("/api/users/profile", json={"profile": {"display_name": "Noor", "bio": "to be forgotten"},
                                           "update_mask": "displayName,bio"})
    player.post("/api/users/upload-avatar", json={"image": png()})
    exported = player.get("/api/users/export")
    assert exported.status_code == 200, exported.text
    data = exported.json()
    assert data["profile"]["bio"] == "to be forgotten" and data["preferences"]["time_zone"] == "Asia/Karachi"
    assert player.delete("/api/users/profile").status_code == 200
    profile = player.get("/api/users/profile").json()["profile"]
    assert profile["display_name"] == "" and profile["bio"] == "" and profile["avatar_url"] == ""
    avatars = list((platform.data_dir / "avatars").glob(f"{player.user_id}-*"))
    assert avatars == []


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_profile_preferences_and_connections_on_postgres(platform_postgres):
    me, friend = Client(platform_postgres), Client(platform_postgres)
    friend.get("/api/users/profile")
    response = me.put("/api/users/profile", json={"profile": {"display_name": "Saad", "city": "CITY_OTHER",
                                                              "city_other": "Quetta"},
                                                  "update_mask": "displayName,city,cityOther"})
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["city_other"] == "Quetta"
    response = me.put("/api/users/preferences", json={"preferences": {"channels": ["CHANNEL_SMS", "CHANNEL_PUSH"]},
                                                      "update_mask": "channels"})
    assert response.json()["preferences"]["channels"] == ["CHANNEL_SMS", "CHANNEL_PUSH"]
    assert me.post("/api/users/connections", json={"user_id": friend.user_id}).status_code == 200
    assert friend.post(f"/api/users/connections/{me.user_id}/accept").status_code == 200
    assert friend.get(f"/api/users/{me.user_id}").json()["profile"]["display_name"] == "Saad"
    assert me.post("/api/users/upload-avatar", json={"image": png()}).status_code == 200
    assert me.get("/api/users/export").json()["connections"][0]["status"] == "CONNECTION_STATUS_CONNECTED"


# -- finding players, blocks, announcements, metrics (issue 12) -----------------------------------


def test_players_are_found_by_name_ignoring_case_and_accents_city_and_level(platform):
    word = tag()
    me = named(platform, f"Zara Me {word}")
    khan = named(platform, f"Zára Khan {word.upper()}", city="CITY_LAHORE", skill_level=3.5)
    malik = named(platform, f"zara Malik {word}", city="CITY_KARACHI", skill_level=2.0)
    named(platform, f"Someone Else {word}", city="CITY_LAHORE")
    assert me.get("/api/users/profile").json()["profile"]["findable"] is True  # findable by default

    # Every word must match; the caller is never listed; results go by name.
    assert found(me, query=f"ZARA {word}") == [khan.user_id, malik.user_id]
    assert found(me, query=f"khan {word}") == [khan.user_id]
    assert found(me, query=word, city="CITY_LAHORE", min_level=3) == [khan.user_id]
    assert found(me, query=word, max_level=2.5) == [malik.user_id]  # "Someone Else" has no level at all

    response = me.get("/api/users/search", params={"query": f"khan {word}"})
    [card] = response.json()["players"]
    assert card["display_name"] == f"Zára Khan {word.upper()}" and card["city"] == "CITY_LAHORE"
    assert card["skill_level"] == 3.5 and "avatar_url" in card
    for private in ("email", "phone", "bio", "preferences"):
        assert private not in response.text

    first = me.get("/api/users/search", params={"query": f"zara {word}", "page_size": 1}).json()
    assert [p["user_id"] for p in first["players"]] == [khan.user_id] and first["next_page_token"]
    second = me.get("/api/users/search", params={"query": f"zara {word}", "page_size": 1,
                                                 "page_token": first["next_page_token"]}).json()
    assert [p["user_id"] for p in second["players"]] == [malik.user_id] and not second.get("next_page_token")


def test_search_respects_findable_blocks_and_deleted_profiles(platform):
    word = tag()
    me = named(platform, f"Searcher {word}")
    hidden = named(platform, f"Hidden {word}", findable=False)
    blocked_by_me = named(platform, f"Blocked {word}")
    blocks_me = named(platform, f"Blocker {word}")
    leaving = named(platform, f"Leaving {word}")
    visible = named(platform, f"Visible {word}")
    assert me.post(f"/api/users/connections/{blocked_by_me.user_id}/block").status_code == 200
    assert blocks_me.post(f"/api/users/connections/{me.user_id}/block").status_code == 200
    assert leaving.delete("/api/users/profile").status_code == 200

    assert found(me, query=word) == [visible.user_id]
    assert me.user_id not in found(blocks_me, query=word)
    assert me.user_id not in found(blocked_by_me, query=word)
    response = hidden.put("/api/users/profile", json={"profile": {"findable": True}, "update_mask": "findable"})
    assert response.status_code == 200 and response.json()["profile"]["findable"] is True
    assert found(me, query=word) == [hidden.user_id, visible.user_id]


@pytest.mark.parametrize("params, field", [
    ({}, "query"),
    ({"query": "a", "min_level": 5, "max_level": 3}, "max_level"),
    ({"query": "a", "min_level": 9}, "min_level"),
    ({"query": "a", "city": "CITY_NOWHERE"}, "city"),
    ({"query": "a" * 61}, "query"),
    ({"query": "a", "page_token": "forged"}, "page_token"),
])
def test_bad_searches_are_400_naming_the_field(player, params, field):
    response = player.get("/api/users/search", params=params)
    assert response.status_code == 400, response.text
    assert field in response.text


def test_check_blocked_is_for_the_two_players_and_admins(platform):
    me, other, stranger = Client(platform), Client(platform), Client(platform)
    for client in (me, other, stranger):
        client.get("/api/users/profile")
    path = f"/api/users/{me.user_id}/blocks/{other.user_id}"
    assert me.get(path).json() == {"blocked": False}
    assert me.post(f"/api/users/connections/{other.user_id}/block").status_code == 200
    assert me.get(path).json() == {"blocked": True}
    # A block set against a player hides the blocker from them, as GetUser does.
    assert other.get(f"/api/users/{other.user_id}/blocks/{me.user_id}").status_code == 404
    admin = requests.get(platform.url + path, headers=platform.headers(roles=("admin",)), timeout=15)
    assert admin.status_code == 200 and admin.json() == {"blocked": True}
    assert stranger.get(path).status_code == 403
    assert me.get(f"/api/users/{me.user_id}/blocks/{new_id()}").status_code == 404
    assert me.get(f"/api/users/{me.user_id}/blocks/{me.user_id}").status_code == 400

    # Other services ask over gRPC through the same edge, with the token of the player they act for.
    stub = user_service_pb2_grpc.UserServiceStub(grpc.insecure_channel(platform.edge))
    request = user_service_pb2.CheckBlockedRequest(user_id=me.user_id, other_id=other.user_id)
    assert stub.CheckBlocked(request, metadata=[("authorization", me.headers["authorization"])], timeout=15).blocked
    with pytest.raises(grpc.RpcError) as caught:
        stub.CheckBlocked(request, metadata=[("authorization", stranger.headers["authorization"])], timeout=15)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_business_metrics_count_profiles_and_connections(platform):
    created, deleted = "padel_profiles_created_total", 'padel_profiles_deleted_total{reason="profile"}'
    requested, accepted = "padel_connections_requested_total", "padel_connections_accepted_total"
    before = {name: counter(platform, name) for name in (created, deleted, requested, accepted)}
    me, friend = Client(platform), Client(platform)
    me.get("/api/users/profile")
    friend.get("/api/users/profile")
    assert me.post("/api/users/connections", json={"user_id": friend.user_id}).status_code == 200
    assert me.post("/api/users/connections", json={"user_id": friend.user_id}).status_code == 200  # no change
    assert friend.post(f"/api/users/connections/{me.user_id}/accept").status_code == 200
    assert friend.post(f"/api/users/connections/{me.user_id}/accept").status_code == 200  # no change
    assert me.post("/api/users/connections", json={"user_id": new_id()}).status_code == 404  # rolled back
    assert me.delete("/api/users/profile").status_code == 200
    after = {name: counter(platform, name) for name in before}
    assert {name: after[name] - before[name] for name in before} == {created: 2, deleted: 1, requested: 1,
                                                                     accepted: 1}


def user_events_of(redis_client, event_type, **fields) -> list:
    """The events of `event_type` on padel.user.events whose fields have the given values."""
    matching = []
    for _, entry in redis_client.xrange("padel.user.events"):
        if entry[b"type"] == event_type.DESCRIPTOR.full_name.encode():
            message = event_type.FromString(entry[b"data"])
            if all(getattr(message, name) == value for name, value in fields.items()):
                matching.append(message)
    return matching


def published(redis_client, event_type, **fields) -> list:
    """Such events, once the outbox relay has published one."""
    return eventually(lambda: user_events_of(redis_client, event_type, **fields), f"a {event_type.__name__}")


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_connection_requests_and_acceptances_are_announced_and_search_works_on_postgres(platform_postgres):
    word = tag()
    asker = named(platform_postgres, f"Ãsker Ñame {word}")
    asked = named(platform_postgres, f"Åsked {word}", city="CITY_ISLAMABAD")
    assert found(asker, query=f"asked {word}", city="CITY_ISLAMABAD") == [asked.user_id]
    assert found(asked, query=f"ASKER NAME {word}") == [asker.user_id]

    assert asker.post("/api/users/connections", json={"user_id": asked.user_id}).status_code == 200
    assert asker.post("/api/users/connections", json={"user_id": asked.user_id}).status_code == 200
    assert asked.post(f"/api/users/connections/{asker.user_id}/accept").status_code == 200
    redis_client = make_redis(platform_postgres.env["PADEL_REDIS_URL"])
    try:
        accepted = published(redis_client, user_events.ConnectionAccepted, requester_id=asker.user_id)
        assert [(e.addressee_id, e.addressee_name) for e in accepted] == [(asked.user_id, f"Åsked {word}")]
        requested = user_events_of(redis_client, user_events.ConnectionRequested, addressee_id=asked.user_id)
        assert [(e.requester_id, e.requester_name) for e in requested] == [(asker.user_id, f"Ãsker Ñame {word}")]
    finally:
        redis_client.close()
