"""Access-token verification, the same in every service (no service trusts the network).

Tokens are RS256 JWTs signed by auth_svc; the public keys come from its JWKS. The algorithm is
pinned, so `alg: none` and HMAC tokens "signed" with the public key are refused. Revocation (logout,
a replayed refresh token, password reset, a role change, account deletion) is a Redis lookup shared
by every replica of every service; Redis is only a cache of auth_svc's database (see RevocationList).
"""

import dataclasses
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Callable, Iterable

import jwt
import redis

from mesh.caller import Caller
from mesh.errors import Unauthenticated, Unavailable

ALGORITHM = "RS256"
CLOCK_SKEW_SECONDS = 10
# An unknown `kid` triggers a JWKS refetch, at most this often, so garbage tokens can't hammer auth.
MIN_REFRESH_SECONDS = 10.0
# Tokens whose signature and claims were checked, kept until they expire (a client sends its token
# with every call for 15 minutes): the RSA check is most of the auth interceptor's time.
VERIFIED_TOKENS = 4096

_TOKEN_KEY = "padel:revoked:jti:"
_CUT_OFF_KEY = "padel:revoked:user:"
# Present only while the cache holds every live revocation: written in one transaction with them.
LOADED_KEY = "padel:revoked:loaded"
# A refill in progress: its random value is gone if Redis loses its data again meanwhile.
_REFILL_KEY = "padel:revoked:refilling"
_REFILL_SECONDS = 60
RESTORING = "sign-in check is being restored; retry"

# What a refill loads: revoked token ids with their expiry, and per user the last second of `iat`
# that is void (every token of the user issued at or before it) with when that stops mattering.
RevokedToken = tuple[str, datetime]
CutOff = tuple[str, int, datetime]


def _ttl(expires_at: datetime) -> int:
    """Seconds a cache entry must live: until its tokens would be refused as expired anyway."""
    return max(1, int(expires_at.timestamp() - time.time()) + CLOCK_SKEW_SECONDS)


class RevocationList:
    """Revoked token ids and per-user cut-offs, in Redis until the tokens would expire anyway.

    Redis is a cache: auth_svc's database is the source of truth and `refill` loads it. The cache
    says it is complete with a sentinel key (`LOADED_KEY`) written in the same transaction as its
    contents. A Redis that lost its data (a restart without persistence, FLUSHDB, a failover to an
    empty replica) has no sentinel, and `is_revoked` then refuses with UNAVAILABLE instead of
    accepting a token whose revocation may be among what was lost; auth_svc's job refills the cache
    within a second or so (DESIGN.md invariant 4)."""

    def __init__(self, client: redis.Redis):
        self.redis = client

    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        self.redis.set(_TOKEN_KEY + token_id, 1, ex=_ttl(expires_at))

    def cut_off(self, user_id: str, last_void_second: int, expires_at: datetime) -> None:
        """Refuses every token of the user issued at or before `last_void_second` (a password reset,
        a role change, account deletion). A cut-off only ever moves later: of two racing writes, the
        older one never undoes the newer."""
        key = _CUT_OFF_KEY + user_id

        def raise_cut_off(pipe) -> None:
            current = pipe.get(key)
            if current is not None and int(current) >= last_void_second:
                return
            pipe.multi()
            pipe.set(key, last_void_second, ex=_ttl(expires_at))

        self.redis.transaction(raise_cut_off, key)

    def is_revoked(self, token_id: str, user_id: str, issued_at: int) -> bool:
        try:
            by_token, cut_off, loaded = self.redis.mget(_TOKEN_KEY + token_id, _CUT_OFF_KEY + user_id, LOADED_KEY)
        except redis.RedisError as exc:
            raise Unavailable("token revocation list unavailable; try again shortly") from exc
        if loaded is None:
            raise Unavailable(RESTORING)
        return by_token is not None or (cut_off is not None and issued_at <= int(cut_off))

    def is_loaded(self) -> bool:
        return bool(self.redis.exists(LOADED_KEY))

    def forget(self) -> None:
        """Marks the cache incomplete (a revocation could not be written): checks refuse until a refill."""
        self.redis.delete(LOADED_KEY)

    def refill(self, snapshot: Callable[[], tuple[Iterable[RevokedToken], Iterable[CutOff]]]) -> bool:
        """If the sentinel is missing, loads `snapshot()` (the live revocations, read from the
        database after this call began) and sets the sentinel in one MULTI; returns whether it did.

        No window for a lost revocation: a revocation committed before the snapshot is in it; one
        committed later is written to Redis by its own call after the refill began, and if Redis
        loses its data again before the MULTI, the refill marker goes too and the MULTI is not run
        (the next pass starts over). Cut-offs written meanwhile are kept where they are later."""
        if self.is_loaded():
            return False
        marker = uuid.uuid4().hex
        self.redis.set(_REFILL_KEY, marker, ex=_REFILL_SECONDS)
        tokens, cut_offs = snapshot()
        cut_offs = list(cut_offs)
        keys = [_CUT_OFF_KEY + user_id for user_id, _, _ in cut_offs]
        with self.redis.pipeline() as pipe:
            try:
                pipe.watch(_REFILL_KEY, *keys)
                if pipe.get(_REFILL_KEY) != marker.encode():
                    return False  # Redis lost its data again, or another replica began a refill since
                current = pipe.mget(keys) if keys else []
                pipe.multi()
                for token_id, expires_at in tokens:
                    pipe.set(_TOKEN_KEY + token_id, 1, ex=_ttl(expires_at))
                for key, written, (_, second, expires_at) in zip(keys, current, cut_offs):
                    if written is None or int(written) < second:
                        pipe.set(key, second, ex=_ttl(expires_at))
                pipe.set(LOADED_KEY, int(time.time()))
                pipe.delete(_REFILL_KEY)
                pipe.execute()
            except redis.WatchError:
                return False
        return True


@dataclasses.dataclass(frozen=True)
class _Verified:
    """A token whose signature and claims passed, with what its later uses still need checked."""

    caller: Caller
    key: jwt.PyJWK  # the key it was checked with: a token of a key dropped from the JWKS is checked again
    usable_until: float  # its `exp` plus the clock skew allowed, as jwt.decode allows it
    issued_at: int


class TokenVerifier:
    """Verifies access tokens against a JWKS obtained from `fetch_jwks` (cached, refetched on rotation).

    A token that passed is remembered until it expires, so its next calls skip the signature check;
    its revocation is looked up on every call all the same."""

    def __init__(self, fetch_jwks: Callable[[], dict], issuer: str, audience: str,
                 revocations: RevocationList | None):
        self.fetch_jwks = fetch_jwks
        self.issuer = issuer
        self.audience = audience
        self.revocations = revocations
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()
        self._verified: dict[str, _Verified] = {}
        self._verified_lock = threading.Lock()

    def _key(self, kid: str) -> jwt.PyJWK:
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= MIN_REFRESH_SECONDS:
                self._refresh()
        if kid not in self._keys:
            raise Unauthenticated("access token signed with an unknown key")
        return self._keys[kid]

    def _refresh(self) -> None:
        try:
            document = self.fetch_jwks()
        except Exception as exc:  # the peer's failure kind does not matter: keys are unavailable
            if self._keys:
                return  # keep verifying with the keys we have
            raise Unavailable("signing keys unavailable: auth service unreachable") from exc
        self._fetched_at = time.monotonic()
        self._keys = {k["kid"]: jwt.PyJWK(k, algorithm=ALGORITHM) for k in document.get("keys", [])
                      if k.get("alg", ALGORITHM) == ALGORITHM and k.get("kid")}

    def verify(self, token: str) -> Caller:
        known = self._verified.get(token)
        if known is None or time.time() >= known.usable_until or self._keys.get(known.key.key_id) is not known.key:
            known = self._check(token)
        self._refuse_revoked(known)
        return known.caller

    def _check(self, token: str) -> _Verified:
        """The signature and claims of `token`, checked and remembered."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("malformed access token") from None
        if header.get("alg") != ALGORITHM:
            raise Unauthenticated("access token uses a refused algorithm")
        key = self._key(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token, key=key, algorithms=[ALGORITHM], audience=self.audience, issuer=self.issuer,
                leeway=CLOCK_SKEW_SECONDS, options={"require": ["exp", "iat", "sub", "jti", "iss", "aud"]})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("access token expired") from None
        except jwt.PyJWTError:
            raise Unauthenticated("invalid access token") from None
        verified = _Verified(
            caller=Caller(
                user_id=claims["sub"],
                roles=frozenset(claims.get("roles", [])),
                token_id=claims["jti"],
                expires_at=datetime.fromtimestamp(claims["exp"], tz=timezone.utc),
                token=token,
            ),
            key=key, usable_until=claims["exp"] + CLOCK_SKEW_SECONDS, issued_at=int(claims["iat"]))
        with self._verified_lock:
            while len(self._verified) >= VERIFIED_TOKENS:
                del self._verified[next(iter(self._verified))]  # the oldest first
            self._verified[token] = verified
        return verified

    def _refuse_revoked(self, verified: _Verified) -> None:
        caller = verified.caller
        if self.revocations and self.revocations.is_revoked(caller.token_id, caller.user_id, verified.issued_at):
            raise Unauthenticated("access token revoked")
