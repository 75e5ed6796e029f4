"""The rules of accounts and sessions, with no I/O: password policy, secrets, the life cycle of
refresh and one-time tokens, who may change which role or end a session (pure functions of the
`Caller`), how failed sign-ins slow down, and the sign-in history's kinds and retention."""

import enum
import hashlib
import hmac
import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from mesh.caller import ADMIN, PLAYER, VENUE_OWNER, Caller
from mesh.errors import FailedPrecondition, InvalidArgument, PermissionDenied, Unauthenticated

ROLES = (PLAYER, VENUE_OWNER, ADMIN)
# Roles a person may pick when registering; admins are only made by admins (or configuration).
SELF_SERVICE_ROLES = (PLAYER, VENUE_OWNER)
# Roles an admin grants and revokes; everyone is a player for good.
GRANTABLE_ROLES = (VENUE_OWNER, ADMIN)
MIN_PASSWORD_LENGTH = 8
# Purposes of one-time tokens.
VERIFY_EMAIL, RESET_PASSWORD = "verify_email", "reset_password"
# Reset emails per account per hour; more requests are answered the same but send nothing, so
# nobody can flood a player's mailbox through ForgotPassword.
MAX_RESET_EMAILS_PER_HOUR = 3
# An attempt to register an existing email emails its holder at most once an hour, so nobody can
# flood a mailbox through Register.
REGISTRATION_NOTICE_INTERVAL = timedelta(hours=1)
# Deleting an account with Google needs a Google sign-in this recent: a token copied from an
# earlier sign-in (still unexpired for up to an hour) does not prove the person is here now.
MAX_GOOGLE_CONFIRMATION_AGE = timedelta(minutes=5)


def normalize_email(email: str) -> str:
    """The stored form: emails are unique regardless of letter case."""
    return email.strip().lower()


def check_password(password: str, email: str, field: str, common: frozenset[str]) -> None:
    """Raises InvalidArgument on `field` when the password is too weak to accept."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument.field(field, f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip().lower() == normalize_email(email):
        raise InvalidArgument.field(field, "must not be the email address")
    if password.lower() in common:
        raise InvalidArgument.field(field, "is one of the most common passwords; choose another")


def new_secret() -> str:
    """An opaque, URL-safe secret with 256 bits of randomness (refresh and one-time tokens)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """Secrets are stored only as this hash; a database leak gives no usable token. A fast hash is
    enough because the secret itself is random, unlike a password."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedPair:
    """A new access token and refresh token; the refresh secret exists only here and in the reply."""

    access_token: str
    access_token_id: str
    access_expires_at: datetime
    refresh_token: str
    refresh_hash: str
    refresh_expires_at: datetime
    access_seconds: int


class RefreshVerdict(enum.Enum):
    USABLE = "usable"
    REPLAYED = "replayed"  # spent before: someone holds a stolen copy, so the family dies
    DEAD = "dead"  # expired or revoked


def judge_refresh(spent_at: datetime | None, revoked_at: datetime | None, expires_at: datetime,
                  now: datetime) -> RefreshVerdict:
    """What presenting a known refresh token means."""
    if revoked_at is not None or expires_at <= now:
        return RefreshVerdict.DEAD
    if spent_at is not None:
        return RefreshVerdict.REPLAYED
    return RefreshVerdict.USABLE


def second(at: datetime) -> int:
    """`at` in whole epoch seconds, the resolution of a token's `iat`."""
    return int(at.timestamp())


def next_cut_off(now: datetime, previous: datetime | None) -> datetime:
    """When a new cut-off ("every token of the account issued up to here is void") falls. In whole
    seconds, like `iat`; past the previous cut-off too, because tokens issued after that one carry
    an `iat` one second past it (`issued_at`), and this cut-off must void them as well."""
    at = second(now)
    if previous is not None:
        at = max(at, second(previous) + 1)
    return datetime.fromtimestamp(at, timezone.utc)


def cut_off_expiry(cut_off: datetime, access_seconds: int) -> datetime:
    """When a cut-off stops mattering: the last token it voids has expired."""
    return cut_off + timedelta(seconds=access_seconds)


def issued_at(now: datetime, cut_off: datetime | None) -> int:
    """The `iat` of an access token issued at `now`: after the account's cut-off, so a token issued
    in the same second as a role change or password reset is not void at birth (at most a second
    early, well within every verifier's clock-skew leeway)."""
    at = second(now)
    return at if cut_off is None else max(at, second(cut_off) + 1)


def one_time_token_usable(used_at: datetime | None, expires_at: datetime, now: datetime) -> bool:
    """A verification or reset token works once, before it expires."""
    return used_at is None and now < expires_at


def check_may_change_role(caller: Caller, user_id: str, role: str, granting: bool) -> None:
    """Admins change roles, but not so that the platform could lose its last way in."""
    if not caller.is_admin:
        raise PermissionDenied(f"this call needs the role {ADMIN}")
    if role not in GRANTABLE_ROLES:
        raise InvalidArgument.field("role", f"must be one of {', '.join(GRANTABLE_ROLES)}")
    if not granting and role == ADMIN and caller.user_id == user_id:
        raise FailedPrecondition("an admin cannot revoke their own admin role; ask another admin")


def may_end_session(caller: Caller, holder_id: str) -> bool:
    """A session is ended only by its own account: someone else's refresh token is not the caller's
    to end (and is ignored without a hint that it exists)."""
    return caller.user_id == holder_id


def registration_notice_due(last_notice_at: datetime | None, now: datetime) -> bool:
    """Whether someone registering an existing email makes its holder hear of it now."""
    return last_notice_at is None or now - last_notice_at >= REGISTRATION_NOTICE_INTERVAL


def check_deletion(roles) -> None:
    """Anyone may delete their account, except an admin: the platform must not lose its last way
    in, so another admin first takes the admin role away (as with revoking one's own)."""
    if ADMIN in set(roles):
        raise FailedPrecondition("an admin account cannot be deleted; ask another admin to revoke your admin role first")


def check_google_confirmation(subject: str, issued_at: datetime, account_subject: str | None,
                              now: datetime) -> None:
    """A Google ID token confirms an account deletion when it is this account's Google identity
    and was issued moments ago."""
    if account_subject is None or not hmac.compare_digest(subject, account_subject):
        raise Unauthenticated("this Google account is not the one linked to your account")
    if not now - MAX_GOOGLE_CONFIRMATION_AGE <= issued_at:
        raise Unauthenticated("the Google sign-in is not recent; sign in with Google again to confirm")


def pseudonymise_email(email: str, pepper: bytes) -> str:
    """What is kept of a deleted account's email: a keyed hash (HMAC-SHA256 with a server-side
    pepper), so the same address can be recognised if it comes back (fraud prevention), while the
    record alone, or a dictionary of addresses, does not give the address back."""
    return hmac.new(pepper, normalize_email(email).encode(), hashlib.sha256).hexdigest()


# How a sign-in was made, and how it ended (the account's sign-in history).
PASSWORD_SIGN_IN, GOOGLE_SIGN_IN, REFRESH_SIGN_IN = "password", "google", "refresh"
SUCCEEDED, WRONG_PASSWORD, REFRESH_REPLAYED = "succeeded", "wrong_password", "refresh_replayed"
# The sign-in history is kept this long, and at most this many entries per account: enough to
# answer "where did I sign in from lately?", bounded for an account that refreshes every 15 minutes.
SIGN_IN_RETENTION = timedelta(days=90)
MAX_SIGN_INS_PER_ACCOUNT = 200


# Expired tokens are swept a day after they expire, not at once: a refresh token replayed shortly
# after its expiry is still recognised as such.
KEEP_EXPIRED = timedelta(days=1)


# A client address an account signed in from (or reset its password from) is known for this long:
# failures of other accounts from the same address (a campus or office NAT) do not slow it down.
KNOWN_CLIENT_SECONDS = 30 * 24 * 3600


def client_network(address: str) -> str:
    """Who a client address stands for in the sign-in throttle: an IPv6 address's /64, since one
    home line or host is given a whole /64 and a guesser hopping inside it must not get a fresh
    allowance each time; an IPv4 address (also when written IPv4-mapped) as it is. Anything that
    is no IP address (a Unix socket peer, none) is left as it is."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network((ip, 64), strict=False))


@dataclass(frozen=True)
class Backoff:
    """Growing delays instead of a lock-out (OWASP Authentication Cheat Sheet): `free` failures
    cost nothing; from then on each failure makes the next try wait `first_delay` seconds, doubled
    with every further failure, at most `window`. Failures are forgotten `window` seconds after
    the last one. Times are epoch seconds."""

    free: int
    first_delay: int
    window: int

    def remembered(self, failures: int, last_failed_at: float | None, now: float) -> int:
        """How many of the failures still count at `now`."""
        return 0 if last_failed_at is None or now - last_failed_at >= self.window else failures

    def wait(self, failures: int, last_failed_at: float | None, now: float) -> int:
        """Seconds until the next try is taken: 0 for now."""
        failures = self.remembered(failures, last_failed_at, now)
        if failures < self.free:
            return 0
        delay = min(self.window, self.first_delay * 2 ** min(failures - self.free, 32))
        return max(0, math.ceil(last_failed_at + delay - now))


@dataclass(frozen=True)
class FailureBurst:
    """Failed sign-ins to one account, from any address, with no quiet `window` between them."""

    failures: int
    first_failed_at: float
    last_failed_at: float
    addresses: int


def alert_due(failures: int, alerted: bool, threshold: int) -> bool:
    """The account holder hears of a burst once, when it reaches `threshold` failures."""
    return not alerted and failures >= threshold


def ordered_roles(roles) -> list[str]:
    """Roles in a stable order (player, venue_owner, admin), for tokens and responses."""
    return [role for role in ROLES if role in set(roles)]
