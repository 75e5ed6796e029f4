"""The rules of accounts and sessions, without I/O."""

from datetime import datetime, timedelta, timezone

import pytest

from auth_svc import domain
from auth_svc.passwords import PasswordHasher, common_passwords
from mesh.caller import Caller
from mesh.errors import FailedPrecondition, InvalidArgument, PermissionDenied

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("password, problem", [
    ("seven77", "at least 8"),
    ("Ali@Example.com", "email"),
    ("PASSWORD123", "common"),
    ("pakistan786", "common"),
])
def test_weak_passwords(password, problem):
    with pytest.raises(InvalidArgument) as caught:
        domain.check_password(password, "ali@example.com", "password", common_passwords())
    assert caught.value.fields == {"password": caught.value.fields["password"]}
    assert problem in caught.value.message


def test_a_reasonable_password_passes():
    domain.check_password("court at seven", "ali@example.com", "password", common_passwords())


def test_common_list_is_shipped_and_lower_case():
    common = common_passwords()
    assert len(common) > 100 and "password" in common and all(p == p.lower() for p in common)


def test_secrets_are_random_and_hashed():
    first, second = domain.new_secret(), domain.new_secret()
    assert first != second and len(first) >= 43
    assert domain.hash_secret(first) == domain.hash_secret(first) != first
    assert len(domain.hash_secret(first)) == 64


def test_refresh_life_cycle():
    later = NOW + timedelta(days=7)
    assert domain.judge_refresh(None, None, later, NOW) is domain.RefreshVerdict.USABLE
    assert domain.judge_refresh(NOW, None, later, NOW) is domain.RefreshVerdict.REPLAYED
    assert domain.judge_refresh(NOW, NOW, later, NOW) is domain.RefreshVerdict.DEAD
    assert domain.judge_refresh(None, None, NOW, NOW) is domain.RefreshVerdict.DEAD


def test_one_time_tokens_work_once_before_expiry():
    assert domain.one_time_token_usable(None, NOW + timedelta(hours=1), NOW)
    assert not domain.one_time_token_usable(NOW, NOW + timedelta(hours=1), NOW)
    assert not domain.one_time_token_usable(None, NOW, NOW)


def caller(user_id: str, *roles: str) -> Caller:
    return Caller(user_id=user_id, roles=frozenset(roles), token_id="t", expires_at=NOW, token="")


def test_role_changes():
    admin = caller("admin", "player", "admin")
    domain.check_may_change_role(admin, "someone", "venue_owner", granting=True)
    domain.check_may_change_role(admin, "someone", "admin", granting=False)
    with pytest.raises(FailedPrecondition):
        domain.check_may_change_role(admin, "admin", "admin", granting=False)
    with pytest.raises(InvalidArgument):
        domain.check_may_change_role(admin, "someone", "player", granting=False)
    with pytest.raises(PermissionDenied):
        domain.check_may_change_role(caller("owner", "player", "venue_owner"), "someone", "venue_owner", granting=True)
    assert domain.ordered_roles({"admin", "player"}) == ["player", "admin"]


def test_a_session_is_ended_only_by_its_own_account():
    assert domain.may_end_session(caller("ali", "player"), "ali")
    assert not domain.may_end_session(caller("ali", "player", "admin"), "sara")


def test_email_is_normalised():
    assert domain.normalize_email("  Ali.Khan@Example.COM ") == "ali.khan@example.com"


def test_password_hashing():
    hasher = PasswordHasher(rounds=4)
    hashed = hasher.hash("court at seven")
    assert hashed.startswith("$2b$04$") and "court" not in hashed
    assert hasher.verify("court at seven", hashed)
    assert not hasher.verify("court at eight", hashed)
    assert not hasher.verify("court at seven", None)  # no account: dummy work, always False


def test_failed_sign_ins_cost_growing_delays_then_are_forgotten():
    backoff = domain.Backoff(free=3, first_delay=10, window=100)
    now = 1000.0
    assert [backoff.wait(n, now, now) for n in range(7)] == [0, 0, 0, 10, 20, 40, 80]
    assert backoff.wait(9, now, now) == 100  # never longer than the window
    assert backoff.wait(3, now - 4, now) == 6  # what is left of the delay
    assert backoff.wait(9, now - 100, now) == 0 and backoff.remembered(9, now - 100, now) == 0
    assert backoff.wait(0, None, now) == 0


def test_the_owner_hears_of_a_burst_once():
    assert not domain.alert_due(9, alerted=False, threshold=10)
    assert domain.alert_due(10, alerted=False, threshold=10)
    assert not domain.alert_due(11, alerted=True, threshold=10)
