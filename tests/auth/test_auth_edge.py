"""The whole life cycle over REST through the real Envoy edge, and every kind of bad token refused
at the edge and by a direct gRPC call to a service. Runs on the embedded default (`platform`) and
on PostgreSQL + Redis (`platform_postgres`): the `running` fixture of conftest.py."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timedelta, timezone

import grpc
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from padel.auth.v1 import auth_service_pb2, auth_service_pb2_grpc
from padel.user.v1 import user_service_pb2, user_service_pb2_grpc

from auth_svc.keys import SigningKeys

PASSWORD = "a long padel password"


def post(platform, path: str, body: dict, token: str | None = None) -> requests.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{platform.url}{path}", json=body, headers=headers, timeout=10)


def get(platform, path: str, token: str | None = None) -> requests.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{platform.url}{path}", headers=headers, timeout=10)


def status(response: requests.Response, expected: int) -> dict:
    assert response.status_code == expected, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def new_player(platform) -> tuple[str, dict]:
    return new_player_with(platform, f"player-{uuid.uuid4().hex[:10]}@example.com")


def new_player_with(platform, email: str) -> tuple[str, dict]:
    account = status(post(platform, "/api/auth/register", {
        "email": email, "password": PASSWORD, "first_name": "Hamza", "last_name": "Ali",
        "phone": "+923001234567"}), 200)["account"]
    return email, account


def test_life_cycle_over_rest(running):
    email, account = new_player(running)
    assert account["email"] == email and account["roles"] == ["ROLE_PLAYER"]
    # The same email again is answered as a new one would be: nobody learns who has an account.
    again = status(post(running, "/api/auth/register", {"email": email.upper(), "password": PASSWORD,
                                                         "first_name": "Hamza", "last_name": "Ali",
                                                         "phone": "+923001234567"}), 200)["account"]
    assert again.keys() == account.keys() and again["user_id"] != account["user_id"]
    assert {k: v for k, v in again.items() if k not in ("user_id", "created_at")} == \
        {k: v for k, v in account.items() if k not in ("user_id", "created_at")}
    first = status(post(running, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]
    assert first["token_type"] == "Bearer" and first["expires_in"] == "900"
    me = status(get(running, "/api/auth/me", first["access_token"]), 200)["account"]
    assert me["user_id"] == account["user_id"]

    second = status(post(running, "/api/auth/refresh", {"refresh_token": first["refresh_token"]}), 200)["tokens"]
    assert status(get(running, "/api/auth/me", second["access_token"]), 200)["account"]["email"] == email
    # The spent refresh token again: the whole family is revoked, its live access token too.
    replay = status(post(running, "/api/auth/refresh", {"refresh_token": first["refresh_token"]}), 401)
    assert "refresh token" in replay["message"]
    status(post(running, "/api/auth/refresh", {"refresh_token": second["refresh_token"]}), 401)
    status(get(running, "/api/auth/me", second["access_token"]), 401)

    session = status(post(running, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]
    status(post(running, "/api/auth/logout", {}, session["access_token"]), 200)
    # The token still has a valid signature (the edge lets it by); every service refuses it.
    status(get(running, "/api/auth/me", session["access_token"]), 401)
    status(get(running, "/api/users/profile", session["access_token"]), 401)
    status(post(running, "/api/auth/refresh", {"refresh_token": session["refresh_token"]}), 401)


def test_logout_needs_a_token_at_the_edge(platform):
    body = status(post(platform, "/api/auth/logout", {}), 401)
    assert body["code"] == 16 and body["message"]  # UNAUTHENTICATED


def test_failed_logins_are_throttled_with_429(platform):
    email, _ = new_player(platform)
    for _ in range(5):  # PADEL_AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT's default
        status(post(platform, "/api/auth/login", {"email": email, "password": "not my password"}), 401)
    answer = post(platform, "/api/auth/login", {"email": email, "password": PASSWORD})
    locked = status(answer, 429)
    retry = [d for d in locked["details"] if d["@type"].endswith("google.rpc.RetryInfo")]
    assert retry and retry[0]["retry_delay"] == f"{answer.headers['retry-after']}s"
    assert PASSWORD not in json.dumps(locked)


def test_unknown_email_and_wrong_password_answer_alike(platform):
    email, _ = new_player(platform)
    wrong = status(post(platform, "/api/auth/login", {"email": email, "password": "not my password"}), 401)
    unknown = status(post(platform, "/api/auth/login", {"email": "nobody-" + email, "password": "x" * 10}), 401)
    assert wrong["message"] == unknown["message"]


def test_a_public_rpc_works_with_a_token_and_with_a_stale_one(platform):
    email, _ = new_player(platform)
    tokens = status(post(platform, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]
    expired = platform.token(lifetime=timedelta(minutes=-5))
    for token in (tokens["access_token"], expired):
        assert status(get(platform, "/api/auth/jwks", token), 200)["keys"]
    renewed = status(post(platform, "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, expired), 200)
    assert renewed["tokens"]["access_token"]


# -- bad tokens ------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(user_id: str, **overrides) -> dict:
    now = int(datetime.now(timezone.utc).timestamp())
    return {"sub": user_id, "roles": ["admin"], "iss": "padel-auth", "aud": "padel-platform", "iat": now,
            "exp": now + 600, "jti": uuid.uuid4().hex, **overrides}


def _unsigned(header: dict, claims: dict) -> str:
    return _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())


def bad_tokens(platform, user_id: str) -> dict[str, str]:
    keys = SigningKeys.load(platform.data_dir / "auth" / "signing-key.pem", [])
    good = keys.sign(_claims(user_id))
    header, payload, signature = good.split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["sub"] = str(uuid.uuid4())
    public_pem = keys.private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    hs_input = _unsigned({"alg": "HS256", "typ": "JWT", "kid": keys.kid}, _claims(user_id))
    other = SigningKeys(rsa.generate_private_key(public_exponent=65537, key_size=2048), keys.kid, {})
    return {
        "tampered": f"{header}.{_b64(json.dumps(forged).encode())}.{signature}",
        "expired": keys.sign(_claims(user_id, iat=1_600_000_000, exp=1_600_000_600)),
        "wrong audience": keys.sign(_claims(user_id, aud="someone-else")),
        "wrong issuer": keys.sign(_claims(user_id, iss="evil")),
        "wrong key": other.sign(_claims(user_id)),
        "alg none": _unsigned({"alg": "none", "typ": "JWT", "kid": keys.kid}, _claims(user_id)) + ".",
        "HS256 with the public key": hs_input + "." + _b64(
            hmac.new(public_pem, hs_input.encode(), hashlib.sha256).digest()),
        "garbage": "not-a-jwt",
    }


def test_bad_tokens_are_refused_at_the_edge_and_by_every_service(platform):
    user_id = str(uuid.uuid4())
    tokens = bad_tokens(platform, user_id)
    good = SigningKeys.load(platform.data_dir / "auth" / "signing-key.pem", []).sign(_claims(user_id))
    assert get(platform, "/api/auth/me", good).status_code == 404  # valid, but no such account
    auth = auth_service_pb2_grpc.AuthServiceStub(grpc.insecure_channel(platform.address("auth")))
    user = user_service_pb2_grpc.UserServiceStub(grpc.insecure_channel(platform.address("user")))
    through_edge = auth_service_pb2_grpc.AuthServiceStub(grpc.insecure_channel(platform.edge))
    for kind, token in tokens.items():
        for path in ("/api/auth/me", "/api/users/profile"):
            body = status(get(platform, path, token), 401)
            assert body["code"] == 16, (kind, body)  # UNAUTHENTICATED, from the edge or the service
        metadata = (("authorization", f"Bearer {token}"),)
        for call, request in ((auth.GetMe, auth_service_pb2.GetMeRequest()),
                              (user.GetProfile, user_service_pb2.GetProfileRequest()),
                              (through_edge.GetMe, auth_service_pb2.GetMeRequest())):
            with pytest.raises(grpc.RpcError) as refused:
                call(request, metadata=metadata, timeout=10)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED, (kind, call)


def test_native_grpc_is_default_deny_at_the_edge(platform):
    through_edge = auth_service_pb2_grpc.AuthServiceStub(grpc.insecure_channel(platform.edge))
    with pytest.raises(grpc.RpcError) as refused:
        through_edge.GetMe(auth_service_pb2.GetMeRequest(), timeout=10)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert through_edge.GetJwks(auth_service_pb2.GetJwksRequest(), timeout=10).keys  # public


def test_an_admin_grants_and_revokes_a_role_over_rest(platform):
    email, account = new_player(platform)
    path = f"/api/auth/users/{account['user_id']}/roles"
    player = status(post(platform, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]
    assert status(post(platform, path, {"role": "ROLE_VENUE_OWNER"}, player["access_token"]), 403)
    admin = platform.token(roles=("player", "admin"))
    granted = status(post(platform, path, {"role": "ROLE_VENUE_OWNER"}, admin), 200)["account"]
    assert granted["roles"] == ["ROLE_PLAYER", "ROLE_VENUE_OWNER"]
    # Roles travel in access tokens: the player's stops working in every service at once, and the
    # refresh the client then makes carries the new role and works at once.
    for where in ("/api/auth/me", "/api/bookings/bookings"):
        status(get(platform, where, player["access_token"]), 401)
    renewed = status(post(platform, "/api/auth/refresh", {"refresh_token": player["refresh_token"]}), 200)
    claims = json.loads(base64.urlsafe_b64decode(renewed["tokens"]["access_token"].split(".")[1] + "=="))
    assert claims["roles"] == ["player", "venue_owner"]
    for where in ("/api/auth/me", "/api/bookings/bookings"):
        status(get(platform, where, renewed["tokens"]["access_token"]), 200)
    revoked = requests.delete(f"{platform.url}{path}/ROLE_VENUE_OWNER", headers={"authorization": f"Bearer {admin}"},
                              timeout=10)
    assert status(revoked, 200)["account"]["roles"] == ["ROLE_PLAYER"]


def delete(platform, path: str, body: dict, token: str | None = None) -> requests.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return requests.delete(f"{platform.url}{path}", json=body, headers=headers, timeout=10)


def test_an_account_deleted_over_rest_is_signed_out_everywhere_and_its_email_free(running):
    email, account = new_player(running)
    tokens = status(post(running, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)["tokens"]
    unconfirmed = status(delete(running, "/api/auth/account", {}, tokens["access_token"]), 400)
    assert "confirmation" in unconfirmed["message"]
    assert status(delete(running, "/api/auth/account", {"password": "not my password"}, tokens["access_token"]), 401)
    assert status(delete(running, "/api/auth/account", {"password": PASSWORD}), 401)  # no token: the edge refuses
    deleted = status(delete(running, "/api/auth/account", {"password": PASSWORD}, tokens["access_token"]), 200)
    assert datetime.fromisoformat(deleted["deleted_at"].replace("Z", "+00:00")) <= datetime.now(timezone.utc)
    for path in ("/api/auth/me", "/api/users/profile", "/api/bookings/bookings", "/api/notifications/inbox"):
        status(get(running, path, tokens["access_token"]), 401)
    status(post(running, "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}), 401)
    gone = status(post(running, "/api/auth/login", {"email": email, "password": PASSWORD}), 401)
    unknown = status(post(running, "/api/auth/login", {"email": "nobody-" + email, "password": PASSWORD}), 401)
    assert gone["message"] == unknown["message"]
    _, again = new_player_with(running, email)
    assert again["user_id"] != account["user_id"]
    status(post(running, "/api/auth/login", {"email": email, "password": PASSWORD}), 200)
