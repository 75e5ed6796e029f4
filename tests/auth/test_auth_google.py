"""Sign in with Google against a local stand-in: our own key pair and a JWKS served over HTTP."""

import http.server
import json
import threading
import uuid
from datetime import datetime, timedelta, timezone

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from padel.auth.v1 import auth_service_pb2 as pb
from padel.auth.v1 import auth_service_pb2_grpc

CLIENT_ID = "padel-test.apps.googleusercontent.com"
KID = "google-test-key"


@pytest.fixture(scope="module")
def google_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(google_key):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(google_key.public_key()))
    document = json.dumps({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}).encode()

    class Certs(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Certs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/oauth2/v3/certs"
    server.shutdown()


@pytest.fixture
def stub(start_service, sqlite_url, jwks_url):
    _, channel = start_service("auth", PADEL_AUTH_DATABASE_URL=sqlite_url, PADEL_AUTH_BCRYPT_ROUNDS="4",
                               PADEL_AUTH_GOOGLE_CLIENT_ID=CLIENT_ID, PADEL_AUTH_GOOGLE_JWKS_URL=jwks_url)
    return auth_service_pb2_grpc.AuthServiceStub(channel)


def id_token(key, email: str, subject: str | None = None, *, kid=KID, **overrides) -> str:
    now = datetime.now(timezone.utc)
    claims = {"iss": "https://accounts.google.com", "aud": CLIENT_ID, "sub": subject or uuid.uuid4().hex,
              "email": email, "email_verified": True, "given_name": "Sana", "family_name": "Mir",
              "iat": now, "exp": now + timedelta(minutes=5), **overrides}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def sign_in(stub, token: str) -> pb.SignInWithGoogleResponse:
    return stub.SignInWithGoogle(pb.SignInWithGoogleRequest(id_token=token), timeout=10)


def refused(stub, token: str) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        sign_in(stub, token)
    return caught.value


def email() -> str:
    return f"sana-{uuid.uuid4().hex[:8]}@gmail.com"


def test_first_sign_in_creates_the_account_and_the_next_finds_it(stub, google_key):
    address, subject = email(), uuid.uuid4().hex
    first = sign_in(stub, id_token(google_key, address, subject))
    assert first.created and first.account.email_verified and first.account.first_name == "Sana"
    again = sign_in(stub, id_token(google_key, address, subject, iss="accounts.google.com"))
    assert not again.created and again.account.user_id == first.account.user_id
    me = stub.GetMe(pb.GetMeRequest(), metadata=(("authorization", f"Bearer {again.tokens.access_token}"),),
                    timeout=10)
    assert me.account.email == address


def test_an_unverified_password_account_is_linked_and_loses_its_password(stub, google_key):
    address = email()
    registered = stub.Register(pb.RegisterRequest(email=address, password="squatter password", first_name="X",
                                                  last_name="Y"), timeout=10).account
    linked = sign_in(stub, id_token(google_key, address))
    assert not linked.created and linked.account.user_id == registered.user_id
    with pytest.raises(grpc.RpcError) as caught:
        stub.Login(pb.LoginRequest(email=address, password="squatter password"), timeout=10)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize("overrides", [
    {"aud": "someone-else.apps.googleusercontent.com"},
    {"iss": "https://evil.example.com"},
    {"exp": datetime.now(timezone.utc) - timedelta(minutes=5)},
    {"email_verified": False},
])
def test_bad_id_tokens_are_refused(stub, google_key, overrides):
    assert refused(stub, id_token(google_key, email(), **overrides)).code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_token_signed_by_another_key_is_refused(stub):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert refused(stub, id_token(other, email())).code() == grpc.StatusCode.UNAUTHENTICATED
    assert refused(stub, id_token(other, email(), kid="unknown-kid")).code() == grpc.StatusCode.UNAUTHENTICATED


def test_not_configured_is_a_failed_precondition(start_service, sqlite_url, google_key):
    _, channel = start_service("auth", PADEL_AUTH_DATABASE_URL=sqlite_url, PADEL_AUTH_BCRYPT_ROUNDS="4")
    error = refused(auth_service_pb2_grpc.AuthServiceStub(channel), id_token(google_key, email()))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error.details() == "Google sign-in is not configured"


def test_a_google_account_is_deleted_with_a_fresh_sign_in_of_its_own_google_identity(stub, google_key):
    address, subject = email(), uuid.uuid4().hex
    signed_in = sign_in(stub, id_token(google_key, address, subject))
    token = (("authorization", f"Bearer {signed_in.tokens.access_token}"),)
    now = datetime.now(timezone.utc)

    def delete(google_id_token: str):
        return stub.DeleteAccount(pb.DeleteAccountRequest(google_id_token=google_id_token), metadata=token, timeout=10)

    for wrong, problem in (
            (id_token(google_key, address), "not the one linked"),  # someone else's Google account
            (id_token(google_key, address, subject, iat=now - timedelta(minutes=20)), "not recent"),
            (id_token(other_key(), address, subject), "invalid Google ID token")):
        with pytest.raises(grpc.RpcError) as caught:
            delete(wrong)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED and problem in caught.value.details()
    with pytest.raises(grpc.RpcError) as no_password:
        stub.DeleteAccount(pb.DeleteAccountRequest(password="any password at all"), metadata=token, timeout=10)
    assert no_password.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert delete(id_token(google_key, address, subject)).deleted_at.seconds
    with pytest.raises(grpc.RpcError) as ended:
        stub.GetMe(pb.GetMeRequest(), metadata=token, timeout=10)
    assert ended.value.code() == grpc.StatusCode.UNAUTHENTICATED
    # The same Google identity signing in again starts a new account.
    again = sign_in(stub, id_token(google_key, address, subject))
    assert again.created and again.account.user_id != signed_in.account.user_id


def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
