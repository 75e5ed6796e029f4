"""Access-token verification, the same in every service (no service trusts the network).

Tokens are RS256 JWTs signed by auth_svc; the public keys come from its JWKS. The algorithm is
pinned, so `alg: none` and HMAC tokens "signed" with the public key are refused. Revocation (logout,
password reset) is a Redis lookup shared by every replica of every service.
"""

import threading
import time
from datetime import datetime, timezone
from typing import Callable

import jwt
import redis

from mesh.caller import Caller
from mesh.errors import Unauthenticated, Unavailable

ALGORITHM = "RS256"
CLOCK_SKEW_SECONDS = 10
# An unknown `kid` triggers a JWKS refetch, at most this often, so garbage tokens can't hammer auth.
MIN_REFRESH_SECONDS = 10.0


class RevocationList:
    """Revoked token ids and per-user cut-offs, kept in Redis until the tokens would expire anyway."""

    def __init__(self, client: redis.Redis):
        self.redis = client

    def revoke_token(self, token_id: str, expires_at: datetime) -> None:
        ttl = max(1, int(expires_at.timestamp() - time.time()) + CLOCK_SKEW_SECONDS)
        self.redis.set(f"padel:revoked:jti:{token_id}", 1, ex=ttl)

    def revoke_user(self, user_id: str, lifetime_seconds: int) -> None:
        """Refuses every token of the user issued up to now (after a password reset)."""
        self.redis.set(f"padel:revoked:user:{user_id}", int(time.time()), ex=lifetime_seconds + CLOCK_SKEW_SECONDS)

    def is_revoked(self, token_id: str, user_id: str, issued_at: int) -> bool:
        try:
            by_token, cut_off = self.redis.mget(f"padel:revoked:jti:{token_id}", f"padel:revoked:user:{user_id}")
        except redis.RedisError as exc:
            raise Unavailable("token revocation list unavailable; try again shortly") from exc
        return by_token is not None or (cut_off is not None and issued_at <= int(cut_off))


class TokenVerifier:
    """Verifies access tokens against a JWKS obtained from `fetch_jwks` (cached, refetched on rotation)."""

    def __init__(self, fetch_jwks: Callable[[], dict], issuer: str, audience: str,
                 revocations: RevocationList | None):
        self.fetch_jwks = fetch_jwks
        self.issuer = issuer
        self.audience = audience
        self.revocations = revocations
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

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
        if self.revocations and self.revocations.is_revoked(claims["jti"], claims["sub"], int(claims["iat"])):
            raise Unauthenticated("access token revoked")
        return Caller(
            user_id=claims["sub"],
            roles=frozenset(claims.get("roles", [])),
            token_id=claims["jti"],
            expires_at=datetime.fromtimestamp(claims["exp"], tz=timezone.utc),
            token=token,
        )
