"""auth_svc over real gRPC (server on port 0, full interceptor chain), on the embedded shape
(SQLite, Redis stand-in) and on real PostgreSQL and Redis."""

import pathlib
import time
import uuid

import grpc
import jwt
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from padel.auth.v1 import auth_pb2
from padel.auth.v1 import auth_service_pb2 as pb
from padel.auth.v1 import auth_service_pb2_grpc
from padel.auth.v1 import events_pb2

from mesh.redis import make_redis

PASSWORD = "correct horse battery"


@pytest.fixture(params=["embedded", pytest.param("real", marks=[pytest.mark.postgres, pytest.mark.redis])])
def shape(request) -> dict[str, str]:
    """Database and Redis for one auth server: SQLite + stand-in, or PostgreSQL + Redis."""
    if request.param == "embedded":
        redis_url = ""
        database = request.getfixturevalue("sqlite_url")
    else:
        from padel_testkit import real_server

        redis_url = real_server("PADEL_TEST_REDIS_URL")
        database = request.getfixturevalue("postgres_url")
    client = make_redis(redis_url)
    client.flushdb()
    client.close()
    return {"PADEL_AUTH_DATABASE_URL": database, "PADEL_REDIS_URL": redis_url}


@pytest.fixture
def auth(start_service, shape, tmp_path):
    """A running auth_svc with fast bcrypt, a throttle of 3 failures per account and address, and
    the owner told of a burst at 4; yields (stub, host)."""
    host, channel = start_service("auth", PADEL_AUTH_BCRYPT_ROUNDS="4", PADEL_AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT="3",
                                  PADEL_AUTH_LOGIN_FAILURE_WINDOW_SECONDS="60", PADEL_AUTH_LOGIN_ALERT_FAILURES="4",
                                  PADEL_AUTH_ADMIN_EMAIL="root@padel.example", PADEL_AUTH_ADMIN_PASSWORD="admin pass 123",
                                  **edge_secret_env(tmp_path), **shape)
    return auth_service_pb2_grpc.AuthServiceStub(channel), host


def email() -> str:
    return f"Player-{uuid.uuid4().hex[:10]}@Example.com"


def register(stub, address=None, password=PASSWORD, **fields) -> pb.RegisterResponse:
    request = pb.RegisterRequest(email=address or email(), password=password,
                                 **{"first_name": "Ali", "last_name": "Khan", **fields})
    return stub.Register(request, timeout=10)


def login(stub, address, password=PASSWORD, metadata=()) -> pb.LoginResponse:
    return stub.Login(pb.LoginRequest(email=address, password=password), metadata=metadata, timeout=10)


def bearer(token: str) -> tuple:
    return (("authorization", f"Bearer {token}"),)


def rpc_error(call, *args, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, timeout=10, **kwargs)
    return caught.value


def refused_once_restored(call, request, token: str) -> grpc.StatusCode:
    """How a call with `token` ends once the revocation cache is back after Redis lost its data:
    UNAVAILABLE while auth restores it (the caller retries), never an answer."""
    deadline = time.monotonic() + 30
    while True:
        try:
            call(request, metadata=bearer(token), timeout=10)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                return error.code()
            time.sleep(0.05)
        else:
            pytest.fail("a revoked token was accepted after Redis lost its data")


def outbox(host) -> list:
    """Every event auth_svc recorded, decoded, oldest first."""
    from sqlalchemy import select

    from mesh.outbox import OutboxEvent

    with host.database.session() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at)).all()
    types = {m.DESCRIPTOR.full_name: m for m in (events_pb2.UserRegistered, events_pb2.EmailVerificationRequested,
                                                 events_pb2.PasswordResetRequested, events_pb2.PasswordChanged,
                                                 events_pb2.RolesChanged, events_pb2.AccountDeleted,
                                                 events_pb2.SignInFailuresDetected, events_pb2.RegistrationAttempted)}
    return [types[row.event_type].FromString(row.payload) for row in rows]


def test_register_then_login_and_me(auth):
    stub, host = auth
    address = email()
    account = register(stub, address, phone="+923001234567", role=auth_pb2.ROLE_VENUE_OWNER).account
    assert account.email == address.lower() and not account.email_verified
    assert list(account.roles) == [auth_pb2.ROLE_PLAYER, auth_pb2.ROLE_VENUE_OWNER]
    signed_in = login(stub, address.upper())  # the email is case-insensitive at sign-in too
    tokens = signed_in.tokens
    assert tokens.token_type == "Bearer" and tokens.expires_in == 900
    claims = jwt.decode(tokens.access_token, options={"verify_signature": False})
    assert claims["sub"] == account.user_id and claims["roles"] == ["player", "venue_owner"]
    assert claims["iss"] == "padel-auth" and claims["aud"] == "padel-platform" and claims["jti"]
    assert claims["exp"] - claims["iat"] == 900
    assert jwt.get_unverified_header(tokens.access_token)["kid"]
    assert tokens.refresh_expires_at.seconds - tokens.access_expires_at.seconds == 7 * 24 * 3600 - 900
    me = stub.GetMe(pb.GetMeRequest(), metadata=bearer(tokens.access_token), timeout=10).account
    assert me.user_id == account.user_id and me.phone == "+923001234567"
    # Registration announced the account and asked for a verification email, in the outbox.
    mine = [e for e in outbox(host) if getattr(e, "user_id", "") == account.user_id]
    assert [type(e).__name__ for e in mine] == ["UserRegistered", "EmailVerificationRequested"]
    assert mine[0].email == address.lower() and len(mine[1].token) >= 32


def test_refresh_tokens_are_stored_only_hashed(auth):
    stub, host = auth
    address = email()
    register(stub, address)
    refresh_token = login(stub, address).tokens.refresh_token
    from sqlalchemy import text

    with host.database.session() as session:
        stored = [row[0] for row in session.execute(text("SELECT token_hash FROM refresh_tokens"))]
    assert refresh_token not in stored and len(stored[0]) == 64


def test_registering_an_existing_email_answers_as_for_a_new_one_and_tells_its_holder(auth, monkeypatch):
    from auth_svc import passwords

    stub, host = auth
    hashed = []  # the cost factor of every bcrypt hash made
    real_hash = passwords.bcrypt.hashpw
    monkeypatch.setattr(passwords.bcrypt, "hashpw", lambda password, salt: hashed.append(salt[:7]) or
                        real_hash(password, salt))
    address = email()
    first = register(stub, address, phone="+923001234567")
    work_new = hashed[:]
    hashed.clear()
    again = stub.Register(pb.RegisterRequest(email=address.upper(), password="another password 2", first_name="Zara",
                                             last_name="Ali", phone="+923009998877"), timeout=10)
    assert hashed == work_new == [b"$2b$04$"]  # the same bcrypt work
    fresh = register(stub, email(), first_name="Zara", last_name="Ali", phone="+923009998877")

    def shape(response) -> list:
        return [(f.name, [g.name for g, _ in getattr(response.account, f.name).ListFields()] if f.name == "created_at"
                 else None) for f, _ in response.account.ListFields()]

    assert shape(again) == shape(fresh) == shape(first)
    assert again.account.email == address.lower() and again.account.first_name == "Zara"
    assert uuid.UUID(again.account.user_id) and again.account.user_id != first.account.user_id
    assert list(again.account.roles) == [auth_pb2.ROLE_PLAYER] and not again.account.email_verified
    # One account: the first one, with its own password and details.
    assert login(stub, address).account == first.account
    assert rpc_error(stub.Login, pb.LoginRequest(email=address, password="another password 2")).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    from sqlalchemy import func, select

    from auth_svc.store import Account

    with host.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Account).where(Account.email == address.lower())) == 1
    [told] = [e for e in outbox(host) if isinstance(e, events_pb2.RegistrationAttempted)]
    assert (told.user_id, told.email, told.first_name) == (first.account.user_id, address.lower(), "Ali")
    assert told.attempted_at.seconds >= first.account.created_at.seconds
    # Registered for her again and again: her mailbox hears of it once an hour, the answer stays the same.
    assert shape(register(stub, address, phone="+923001112233")) == shape(fresh)
    assert len([e for e in outbox(host) if isinstance(e, events_pb2.RegistrationAttempted)]) == 1


@pytest.mark.parametrize("password, problem", [
    ("short", "at least 8"), ("Password123", "common"), (None, "email")])
def test_weak_passwords_are_refused_naming_the_field(auth, password, problem):
    stub, _ = auth
    address = email()
    error = rpc_error(stub.Register, pb.RegisterRequest(email=address, password=password or address.lower(),
                                                         first_name="A", last_name="B"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "password" in error.details() and problem in error.details()


def test_wrong_password_and_unknown_email_look_the_same(auth):
    stub, _ = auth
    address = email()
    register(stub, address)
    wrong = rpc_error(stub.Login, pb.LoginRequest(email=address, password="not the password"))
    unknown = rpc_error(stub.Login, pb.LoginRequest(email=email(), password="not the password"))
    assert wrong.code() == unknown.code() == grpc.StatusCode.UNAUTHENTICATED
    assert wrong.details() == unknown.details()


def test_refresh_rotates_and_a_replay_revokes_the_family(auth):
    stub, _ = auth
    address = email()
    register(stub, address)
    first = login(stub, address).tokens
    second = stub.Refresh(pb.RefreshRequest(refresh_token=first.refresh_token), timeout=10).tokens
    assert second.refresh_token != first.refresh_token and second.access_token != first.access_token
    third = stub.Refresh(pb.RefreshRequest(refresh_token=second.refresh_token), timeout=10).tokens
    # The spent first token comes back: someone holds a copy, so the whole login ends.
    replay = rpc_error(stub.Refresh, pb.RefreshRequest(refresh_token=first.refresh_token))
    assert replay.code() == grpc.StatusCode.UNAUTHENTICATED
    assert rpc_error(stub.Refresh, pb.RefreshRequest(refresh_token=third.refresh_token)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    # ...and the access token issued with the family's latest refresh token dies with it.
    assert rpc_error(stub.GetMe, pb.GetMeRequest(), metadata=bearer(third.access_token)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    # Another login of the same account is not affected.
    other = login(stub, address).tokens
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(other.access_token), timeout=10).account.email


def test_logout_revokes_the_access_token_and_the_family(auth):
    stub, _ = auth
    address = email()
    register(stub, address)
    tokens = login(stub, address).tokens
    stub.Logout(pb.LogoutRequest(), metadata=bearer(tokens.access_token), timeout=10)
    assert rpc_error(stub.GetMe, pb.GetMeRequest(), metadata=bearer(tokens.access_token)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    assert rpc_error(stub.Refresh, pb.RefreshRequest(refresh_token=tokens.refresh_token)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    assert rpc_error(stub.Logout, pb.LogoutRequest()).code() == grpc.StatusCode.UNAUTHENTICATED


def test_sign_outs_and_revoked_families_survive_redis_losing_its_data(auth, shape):
    stub, _ = auth
    address = email()
    register(stub, address)
    signed_out = login(stub, address).tokens
    stub.Logout(pb.LogoutRequest(), metadata=bearer(signed_out.access_token), timeout=10)
    first = login(stub, address).tokens
    second = stub.Refresh(pb.RefreshRequest(refresh_token=first.refresh_token), timeout=10).tokens
    rpc_error(stub.Refresh, pb.RefreshRequest(refresh_token=first.refresh_token))  # replayed: the family dies
    kept = login(stub, address).tokens
    client = make_redis(shape["PADEL_REDIS_URL"])
    client.flushdb()  # Redis restarted without its data
    client.close()
    assert refused_once_restored(stub.GetMe, pb.GetMeRequest(), signed_out.access_token) == \
        grpc.StatusCode.UNAUTHENTICATED
    assert rpc_error(stub.GetMe, pb.GetMeRequest(), metadata=bearer(second.access_token)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    for spent in (signed_out.refresh_token, second.refresh_token):
        assert rpc_error(stub.Refresh, pb.RefreshRequest(refresh_token=spent)).code() == \
            grpc.StatusCode.UNAUTHENTICATED
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(kept.access_token), timeout=10).account.email


def test_failed_logins_are_throttled_per_account_and_success_resets(auth):
    stub, _ = auth
    address = email()
    register(stub, address)
    for _ in range(2):
        rpc_error(stub.Login, pb.LoginRequest(email=address, password="wrong password"))
    login(stub, address)  # a success clears the count
    for _ in range(3):
        assert rpc_error(stub.Login, pb.LoginRequest(email=address, password="wrong password")).code() == \
            grpc.StatusCode.UNAUTHENTICATED
    locked = rpc_error(stub.Login, pb.LoginRequest(email=address, password=PASSWORD))  # even the right one
    assert locked.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    status = rpc_status.from_call(locked)
    retry = [d for d in status.details if d.Is(error_details_pb2.RetryInfo.DESCRIPTOR)]
    info = error_details_pb2.RetryInfo()
    retry[0].Unpack(info)
    assert 0 < info.retry_delay.seconds <= 60


def as_the_edge(data_dir: pathlib.Path, client: str) -> tuple:
    """The metadata the edge adds to what it forwards: the client's address, and the edge secret
    the server found or created in its data folder at start."""
    from mesh import origin

    secret = (data_dir / "edge" / "edge-secret").read_text().strip()
    return ((origin.CLIENT_ADDRESS_HEADER, client), (origin.SECRET_HEADER, secret))


def test_failed_logins_are_throttled_per_client_address(start_service, shape, tmp_path):
    _, channel = start_service("auth", PADEL_AUTH_BCRYPT_ROUNDS="4", PADEL_AUTH_LOGIN_MAX_FAILURES_PER_CLIENT="2",
                                  **shape)
    stub = auth_service_pb2_grpc.AuthServiceStub(channel)
    from_there = as_the_edge(tmp_path / "data", "203.0.113.7")
    for _ in range(2):  # two different accounts, one address
        rpc_error(stub.Login, pb.LoginRequest(email=email(), password="wrong password"), metadata=from_there)
    assert rpc_error(stub.Login, pb.LoginRequest(email=email(), password="wrong password"),
                     metadata=from_there).code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    elsewhere = as_the_edge(tmp_path / "data", "198.51.100.9")
    assert rpc_error(stub.Login, pb.LoginRequest(email=email(), password="wrong password"),
                     metadata=elsewhere).code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_direct_caller_is_throttled_by_its_own_address_whatever_metadata_it_sends(start_service, shape, tmp_path):
    """Client-address metadata counts only from the edge: forged, it changes nothing."""
    from mesh import origin

    _, channel = start_service("auth", PADEL_AUTH_BCRYPT_ROUNDS="4", PADEL_AUTH_LOGIN_MAX_FAILURES_PER_CLIENT="3",
                                  **shape)
    stub = auth_service_pb2_grpc.AuthServiceStub(channel)

    def claiming(address: str) -> tuple:
        return (("x-envoy-external-address", address), ("x-forwarded-for", address),
                (origin.CLIENT_ADDRESS_HEADER, address), (origin.SECRET_HEADER, "a guess at the edge secret, long enough"))

    for claimed in ("203.0.113.7", "198.51.100.9", "192.0.2.1"):
        assert rpc_error(stub.Login, pb.LoginRequest(email=email(), password="wrong password"),
                         metadata=claiming(claimed)).code() == grpc.StatusCode.UNAUTHENTICATED
    # All three came from this test's own address (127.0.0.1), which is now locked, and so is
    # whoever else dials in from it, claiming an address or not.
    for metadata in (claiming("192.0.2.99"), ()):
        assert rpc_error(stub.Login, pb.LoginRequest(email=email(), password="wrong password"),
                         metadata=metadata).code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    # The edge, with the secret, still speaks for other clients.
    assert rpc_error(stub.Login, pb.LoginRequest(email=email(), password="wrong password"),
                     metadata=as_the_edge(tmp_path / "data", "192.0.2.99")).code() == grpc.StatusCode.UNAUTHENTICATED


# The edge secret of the services these tests start (`edge_secret_env`), so a test can speak as the edge.
EDGE_SECRET = "the edge secret of the auth tests, long enough"


def edge_secret_env(tmp_path) -> dict[str, str]:
    path = tmp_path / "edge-secret"
    path.write_text(EDGE_SECRET)
    return {"PADEL_EDGE_SECRET_FILE": str(path)}


def from_address(address: str) -> tuple:
    """Metadata as the edge sends it for a client at `address` (its secret vouches for the address)."""
    from mesh import origin

    return ((origin.CLIENT_ADDRESS_HEADER, address), (origin.SECRET_HEADER, EDGE_SECRET))


def test_a_guesser_is_slowed_down_and_the_owner_elsewhere_is_not(auth):
    stub, host = auth
    address = email()
    account = register(stub, address).account
    guesser, owner = from_address("203.0.113.7"), from_address("198.51.100.9")
    for _ in range(3):
        rpc_error(stub.Login, pb.LoginRequest(email=address, password="wrong password"), metadata=guesser)
    assert rpc_error(stub.Login, pb.LoginRequest(email=address, password=PASSWORD), metadata=guesser).code() == \
        grpc.StatusCode.RESOURCE_EXHAUSTED
    assert not [e for e in outbox(host) if isinstance(e, events_pb2.SignInFailuresDetected)]
    assert login(stub, address, metadata=owner).account.user_id == account.user_id
    # One more failure, from yet another address, makes a burst of four: the owner is told.
    rpc_error(stub.Login, pb.LoginRequest(email=address, password="wrong password"),
              metadata=from_address("192.0.2.44"))
    [told] = [e for e in outbox(host) if isinstance(e, events_pb2.SignInFailuresDetected)]
    assert (told.user_id, told.email, told.first_name) == (account.user_id, address.lower(), "Ali")
    assert told.failures == 4 and told.client_addresses == 2
    assert told.first_failed_at.seconds <= told.last_failed_at.seconds


def test_a_password_reset_lets_the_owner_in_from_the_address_that_was_slowed_down(auth):
    stub, host = auth
    address = email()
    account = register(stub, address).account
    shared = from_address("203.0.113.7")  # the owner and a guesser behind one NAT
    for _ in range(3):
        rpc_error(stub.Login, pb.LoginRequest(email=address, password="wrong password"), metadata=shared)
    assert rpc_error(stub.Login, pb.LoginRequest(email=address, password=PASSWORD), metadata=shared).code() == \
        grpc.StatusCode.RESOURCE_EXHAUSTED
    stub.ForgotPassword(pb.ForgotPasswordRequest(email=address), timeout=10)
    reset = [e for e in outbox(host) if isinstance(e, events_pb2.PasswordResetRequested)
             and e.user_id == account.user_id][0]
    stub.ResetPassword(pb.ResetPasswordRequest(token=reset.token, new_password="a brand new secret"),
                       metadata=shared, timeout=10)
    assert login(stub, address, "a brand new secret", metadata=shared).account.user_id == account.user_id


def test_an_address_that_sprays_guesses_still_lets_in_those_who_sign_in_from_it(start_service, shape, tmp_path):
    _, channel = start_service("auth", PADEL_AUTH_BCRYPT_ROUNDS="4", PADEL_AUTH_LOGIN_MAX_FAILURES_PER_CLIENT="2",
                               **edge_secret_env(tmp_path), **shape)
    stub = auth_service_pb2_grpc.AuthServiceStub(channel)
    office = from_address("203.0.113.7")
    regular = email()
    register(stub, regular)
    login(stub, regular, metadata=office)  # signs in from the office as every day
    for _ in range(2):
        rpc_error(stub.Login, pb.LoginRequest(email=email(), password="wrong password"), metadata=office)
    assert rpc_error(stub.Login, pb.LoginRequest(email=email(), password="wrong password"),
                     metadata=office).code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert login(stub, regular, metadata=office).tokens.access_token


def test_email_verification_is_single_use(auth):
    stub, host = auth
    account = register(stub).account
    token = [e for e in outbox(host) if isinstance(e, events_pb2.EmailVerificationRequested)
             and e.user_id == account.user_id][0].token
    verified = stub.VerifyEmail(pb.VerifyEmailRequest(token=token), timeout=10).account
    assert verified.email_verified
    again = rpc_error(stub.VerifyEmail, pb.VerifyEmailRequest(token=token))
    assert again.code() == grpc.StatusCode.INVALID_ARGUMENT and "token" in again.details()


def test_password_reset_signs_out_everywhere(auth):
    stub, host = auth
    address = email()
    account = register(stub, address).account
    tokens = login(stub, address).tokens
    stub.ForgotPassword(pb.ForgotPasswordRequest(email=address), timeout=10)
    # An unknown email gets the same empty answer, and no event.
    before = len(outbox(host))
    assert stub.ForgotPassword(pb.ForgotPasswordRequest(email=email()), timeout=10) == pb.ForgotPasswordResponse()
    assert len(outbox(host)) == before
    reset = [e for e in outbox(host) if isinstance(e, events_pb2.PasswordResetRequested)
             and e.user_id == account.user_id][0]
    weak = rpc_error(stub.ResetPassword, pb.ResetPasswordRequest(token=reset.token, new_password="password123"))
    assert weak.code() == grpc.StatusCode.INVALID_ARGUMENT and "new_password" in weak.details()
    stub.ResetPassword(pb.ResetPasswordRequest(token=reset.token, new_password="a brand new secret"), timeout=10)
    assert rpc_error(stub.GetMe, pb.GetMeRequest(), metadata=bearer(tokens.access_token)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    assert rpc_error(stub.Refresh, pb.RefreshRequest(refresh_token=tokens.refresh_token)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    assert rpc_error(stub.Login, pb.LoginRequest(email=address, password=PASSWORD)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    assert rpc_error(stub.ResetPassword, pb.ResetPasswordRequest(token=reset.token, new_password="another secret 1")
                     ).code() == grpc.StatusCode.INVALID_ARGUMENT
    # Signed in again in the same second as the reset: the new token is not caught by the cut-off.
    fresh = login(stub, address, "a brand new secret").tokens
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(fresh.access_token), timeout=10).account.email_verified
    changed = [e for e in outbox(host) if isinstance(e, events_pb2.PasswordChanged)]
    assert changed and changed[-1].user_id == account.user_id


def test_only_admins_change_roles_and_it_shows_in_the_next_token(auth):
    stub, host = auth
    address = email()
    account = register(stub, address).account
    player = login(stub, address).tokens
    grant = pb.GrantRoleRequest(user_id=account.user_id, role=auth_pb2.ROLE_VENUE_OWNER)
    assert rpc_error(stub.GrantRole, grant, metadata=bearer(player.access_token)).code() == \
        grpc.StatusCode.PERMISSION_DENIED
    assert rpc_error(stub.GrantRole, grant).code() == grpc.StatusCode.UNAUTHENTICATED
    admin = login(stub, "root@padel.example", "admin pass 123")  # the configured first admin
    assert auth_pb2.ROLE_ADMIN in admin.account.roles
    changed = stub.GrantRole(grant, metadata=bearer(admin.tokens.access_token), timeout=10).account
    assert list(changed.roles) == [auth_pb2.ROLE_PLAYER, auth_pb2.ROLE_VENUE_OWNER]
    event = [e for e in outbox(host) if isinstance(e, events_pb2.RolesChanged)][-1]
    assert event.user_id == account.user_id and event.changed_by == admin.account.user_id
    # The player's token says "player" only: it stops working at once, and the refresh the client
    # then makes gives a token with the new role, which works at once.
    assert rpc_error(stub.GetMe, pb.GetMeRequest(), metadata=bearer(player.access_token)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    renewed = stub.Refresh(pb.RefreshRequest(refresh_token=player.refresh_token), timeout=10).tokens
    assert jwt.decode(renewed.access_token, options={"verify_signature": False})["roles"] == ["player", "venue_owner"]
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(renewed.access_token), timeout=10).account.user_id == \
        account.user_id
    revoked = stub.RevokeRole(pb.RevokeRoleRequest(user_id=account.user_id, role=auth_pb2.ROLE_VENUE_OWNER),
                              metadata=bearer(admin.tokens.access_token), timeout=10).account
    assert list(revoked.roles) == [auth_pb2.ROLE_PLAYER]
    assert rpc_error(stub.GetMe, pb.GetMeRequest(), metadata=bearer(renewed.access_token)).code() == \
        grpc.StatusCode.UNAUTHENTICATED
    again = stub.Refresh(pb.RefreshRequest(refresh_token=renewed.refresh_token), timeout=10).tokens
    assert jwt.decode(again.access_token, options={"verify_signature": False})["roles"] == ["player"]
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(again.access_token), timeout=10).account.user_id
    # The admin's own session is untouched by changing someone else's roles.
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(admin.tokens.access_token), timeout=10).account
    missing = pb.GrantRoleRequest(user_id=str(uuid.uuid4()), role=auth_pb2.ROLE_ADMIN)
    assert rpc_error(stub.GrantRole, missing, metadata=bearer(admin.tokens.access_token)).code() == \
        grpc.StatusCode.NOT_FOUND
    own = pb.RevokeRoleRequest(user_id=admin.account.user_id, role=auth_pb2.ROLE_ADMIN)
    assert rpc_error(stub.RevokeRole, own, metadata=bearer(admin.tokens.access_token)).code() == \
        grpc.StatusCode.FAILED_PRECONDITION


def test_first_admin_is_promoted_idempotently(start_service, shape, tmp_path):
    env = dict(PADEL_AUTH_BCRYPT_ROUNDS="4", **shape)
    _, channel = start_service("auth", **env)
    stub = auth_service_pb2_grpc.AuthServiceStub(channel)
    address = email()
    register(stub, address)
    for _ in range(2):  # two starts with the same configuration
        _, channel = start_service("auth", PADEL_AUTH_ADMIN_EMAIL=address, PADEL_AUTH_ADMIN_PASSWORD="ignored pass 99",
                                   **env)
    stub = auth_service_pb2_grpc.AuthServiceStub(channel)
    signed_in = login(stub, address)  # the existing account keeps its password
    assert list(signed_in.account.roles) == [auth_pb2.ROLE_PLAYER, auth_pb2.ROLE_ADMIN]


def test_redis_down_makes_login_unavailable(start_service, sqlite_url):
    _, channel = start_service("auth", PADEL_AUTH_BCRYPT_ROUNDS="4", PADEL_AUTH_DATABASE_URL=sqlite_url,
                               PADEL_REDIS_URL="redis://127.0.0.1:1/0")
    stub = auth_service_pb2_grpc.AuthServiceStub(channel)
    address = email()
    register(stub, address)
    error = rpc_error(stub.Login, pb.LoginRequest(email=address, password=PASSWORD))
    assert error.code() == grpc.StatusCode.UNAVAILABLE and PASSWORD not in error.details()


def test_unknown_email_costs_the_same_bcrypt_work_as_a_wrong_password(start_service, sqlite_url, monkeypatch):
    from auth_svc import passwords

    _, channel = start_service("auth", PADEL_AUTH_BCRYPT_ROUNDS="10", PADEL_AUTH_DATABASE_URL=sqlite_url,
                               PADEL_AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT="100")
    stub = auth_service_pb2_grpc.AuthServiceStub(channel)
    address = email()
    register(stub, address)
    checked = []  # the cost factor of every hash a password was checked against
    real_check = passwords.bcrypt.checkpw
    monkeypatch.setattr(passwords.bcrypt, "checkpw",
                        lambda password, hashed: checked.append(hashed[:7]) or real_check(password, hashed))

    def work(login_email: str) -> list[bytes]:
        checked.clear()
        rpc_error(stub.Login, pb.LoginRequest(email=login_email, password="not the password"))
        return list(checked)

    # One full bcrypt check at the configured cost either way; without the dummy hash an unknown
    # email would answer without any (and so measurably faster).
    assert work(address) == work(email()) == [b"$2b$10$"]


def test_expired_tokens_are_swept_and_live_ones_kept(auth):
    from datetime import datetime, timedelta, timezone

    from auth_svc.service.revocations import sweep_expired

    stub, host = auth
    address = email()
    register(stub, address)  # leaves a verification token (48 h)
    tokens = login(stub, address).tokens  # a refresh token (7 days)
    assert sweep_expired(host.database, datetime.now(timezone.utc)) == 0
    stub.Refresh(pb.RefreshRequest(refresh_token=tokens.refresh_token), timeout=10)
    # Nine days on, everything issued now expired more than a day ago.
    assert sweep_expired(host.database, datetime.now(timezone.utc) + timedelta(days=9)) >= 3


def test_sign_ins_and_failures_are_counted_without_user_data(auth):
    from prometheus_client import REGISTRY

    def sample(name: str, **labels) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    stub, _ = auth
    address = email()
    registered = sample("users_registered_total", method="password")
    register(stub, address)
    sessions, failures = sample("user_sessions_total", method="password"), sample(
        "auth_login_failures_total", reason="bad_credentials")
    login(stub, address)
    rpc_error(stub.Login, pb.LoginRequest(email=address, password="wrong password"))
    assert sample("users_registered_total", method="password") == registered + 1
    assert sample("user_sessions_total", method="password") == sessions + 1
    assert sample("auth_login_failures_total", reason="bad_credentials") == failures + 1


def test_reset_emails_are_capped_per_account_and_hour(auth):
    stub, host = auth
    address = email()
    account = register(stub, address).account
    for _ in range(5):
        assert stub.ForgotPassword(pb.ForgotPasswordRequest(email=address), timeout=10) == pb.ForgotPasswordResponse()
    sent = [e for e in outbox(host) if isinstance(e, events_pb2.PasswordResetRequested) and e.user_id == account.user_id]
    assert len(sent) == 3


# -- account deletion ----------------------------------------------------------------------------


def stored_text(host) -> str:
    """Every value in auth's own tables (not the event outbox), as one text."""
    from sqlalchemy import select

    from auth_svc.store import Base

    with host.database.session() as session:
        return " ".join(str(value) for table in Base.metadata.sorted_tables
                        for row in session.execute(select(table)) for value in row)


def test_deleting_an_account_ends_every_session_erases_it_and_frees_the_email(auth, start_service, shape):
    stub, host = auth
    address = email()
    account = register(stub, address, phone="+923001112233").account
    first, second = login(stub, address).tokens, login(stub, address).tokens
    rotated = stub.Refresh(pb.RefreshRequest(refresh_token=second.refresh_token), timeout=10).tokens
    _, user_channel = start_service("user", PADEL_AUTH_ADDR=f"127.0.0.1:{host.port}",
                                    PADEL_REDIS_URL=shape["PADEL_REDIS_URL"])
    from padel.user.v1 import user_service_pb2, user_service_pb2_grpc

    profile = user_service_pb2_grpc.UserServiceStub(user_channel).GetProfile
    wrong = rpc_error(stub.DeleteAccount, pb.DeleteAccountRequest(password="not the password"),
                      metadata=bearer(first.access_token))
    assert wrong.code() == grpc.StatusCode.UNAUTHENTICATED and wrong.details() == "wrong password"
    unconfirmed = rpc_error(stub.DeleteAccount, pb.DeleteAccountRequest(), metadata=bearer(first.access_token))
    assert unconfirmed.code() == grpc.StatusCode.INVALID_ARGUMENT and "confirmation" in unconfirmed.details()
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(first.access_token), timeout=10).account.email

    export = stub.ExportAccount(pb.ExportAccountRequest(), metadata=bearer(first.access_token), timeout=10)
    assert len(export.sign_ins) == 3  # two sign-ins and a refresh (a deletion's password check is none)

    deleted = stub.DeleteAccount(pb.DeleteAccountRequest(password=PASSWORD), metadata=bearer(first.access_token),
                                 timeout=10)
    assert deleted.deleted_at.seconds > 0
    from auth_svc import store

    with host.database.session() as session:
        assert store.sign_ins_of(session, account.user_id) == []  # the history went with the account
    for token in (first.access_token, second.access_token, rotated.access_token):
        assert rpc_error(stub.GetMe, pb.GetMeRequest(), metadata=bearer(token)).code() == \
            grpc.StatusCode.UNAUTHENTICATED
        assert rpc_error(profile, user_service_pb2.GetProfileRequest(), metadata=bearer(token)).code() == \
            grpc.StatusCode.UNAUTHENTICATED  # another service, through the shared token check
    for spent in (first.refresh_token, rotated.refresh_token):
        assert rpc_error(stub.Refresh, pb.RefreshRequest(refresh_token=spent)).code() == \
            grpc.StatusCode.UNAUTHENTICATED
    gone = rpc_error(stub.Login, pb.LoginRequest(email=address, password=PASSWORD))
    unknown = rpc_error(stub.Login, pb.LoginRequest(email=email(), password=PASSWORD))
    assert (gone.code(), gone.details()) == (unknown.code(), unknown.details())
    [announced] = [e for e in outbox(host) if isinstance(e, events_pb2.AccountDeleted)]
    assert announced.user_id == account.user_id and announced.deleted_at == deleted.deleted_at
    kept = stored_text(host)
    for personal in (address.lower(), "+923001112233", "Khan"):
        assert personal not in kept
    assert account.user_id in kept  # the pseudonymised record

    again = register(stub, address).account
    assert again.user_id != account.user_id
    assert login(stub, address).account.user_id == again.user_id


def test_the_last_way_in_cannot_be_deleted(auth):
    stub, _ = auth
    admin = login(stub, "root@padel.example", "admin pass 123").tokens
    refused = rpc_error(stub.DeleteAccount, pb.DeleteAccountRequest(password="admin pass 123"),
                        metadata=bearer(admin.access_token))
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION and "admin" in refused.details()
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(admin.access_token), timeout=10).account.email


def test_confirming_a_deletion_with_the_password_is_throttled_like_a_sign_in(auth):
    stub, _ = auth
    address = email()
    register(stub, address)
    token = login(stub, address).tokens.access_token
    for _ in range(3):  # the fixture's PADEL_AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT
        assert rpc_error(stub.DeleteAccount, pb.DeleteAccountRequest(password="a wrong guess"),
                         metadata=bearer(token)).code() == grpc.StatusCode.UNAUTHENTICATED
    throttled = rpc_error(stub.DeleteAccount, pb.DeleteAccountRequest(password="another guess"), metadata=bearer(token))
    assert throttled.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert stub.GetMe(pb.GetMeRequest(), metadata=bearer(token), timeout=10).account.email


def test_the_sign_in_history_keeps_90_days_and_at_most_the_newest_200(auth):
    from datetime import datetime, timedelta, timezone

    from auth_svc.service.sessions import prune_sign_ins

    stub, host = auth
    address = email()
    register(stub, address)
    tokens = login(stub, address).tokens
    for _ in range(200):  # an app that refreshes every 15 minutes for two days
        tokens = stub.Refresh(pb.RefreshRequest(refresh_token=tokens.refresh_token), timeout=10).tokens

    def history() -> list:
        return list(stub.ExportAccount(pb.ExportAccountRequest(), metadata=bearer(tokens.access_token),
                                       timeout=10).sign_ins)

    assert len(history()) == 201
    assert prune_sign_ins(host.database, datetime.now(timezone.utc)) == 1
    kept = history()
    assert len(kept) == 200 and {s.method for s in kept} == {auth_pb2.SIGN_IN_METHOD_REFRESH}  # the oldest went
    assert prune_sign_ins(host.database, datetime.now(timezone.utc) + timedelta(days=91)) == 200
    assert history() == []


def test_the_demo_owner_comes_from_configuration_with_the_password_configured_last(start_service, shape):
    from mesh.settings import DEMO_OWNER_ID

    env = dict(PADEL_AUTH_BCRYPT_ROUNDS="4", PADEL_AUTH_DEMO_OWNER_EMAIL="Demo-Owner@padel.example", **shape)
    for password in ("first demo pass", "second demo pass"):  # two starts, the password changed between
        _, channel = start_service("auth", PADEL_AUTH_DEMO_OWNER_PASSWORD=password, **env)
    stub = auth_service_pb2_grpc.AuthServiceStub(channel)
    stale = rpc_error(stub.Login, pb.LoginRequest(email="demo-owner@padel.example", password="first demo pass"))
    assert stale.code() == grpc.StatusCode.UNAUTHENTICATED
    owner = login(stub, "demo-owner@padel.example", "second demo pass").account
    assert owner.user_id == DEMO_OWNER_ID and owner.email_verified
    assert list(owner.roles) == [auth_pb2.ROLE_PLAYER, auth_pb2.ROLE_VENUE_OWNER]
    with pytest.raises(SystemExit, match="PADEL_AUTH_DEMO_OWNER_PASSWORD"):
        start_service("auth", PADEL_AUTH_DEMO_OWNER_PASSWORD="password123", **env)
    with pytest.raises(SystemExit, match="PADEL_AUTH_DEMO_OWNER_EMAIL and PADEL_AUTH_DEMO_OWNER_PASSWORD"):
        start_service("auth", **env)
