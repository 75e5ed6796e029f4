"""Issuing tokens: short-lived signed access tokens (JWT, RS256) and opaque refresh tokens.

Access-token claims are what `mesh.tokens.TokenVerifier` checks in every service and what the
edge's jwt_authn checks: `sub`, `roles`, `iss`, `aud`, `exp`, `iat`, `jti`, header `kid`.
"""

import uuid
from datetime import datetime, timedelta, timezone

from auth_svc.domain import IssuedPair, hash_secret, new_secret, ordered_roles
from auth_svc.keys import SigningKeys


class TokenMint:
    def __init__(self, keys: SigningKeys, issuer: str, audience: str, access_seconds: int, refresh_seconds: int):
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.access_seconds = access_seconds
        self.refresh_seconds = refresh_seconds

    def pair(self, user_id: str, roles, now: datetime, issued_at: int) -> IssuedPair:
        """A new pair at `now`; the access token's `iat` is `issued_at` (see domain.issued_at)."""
        token_id = uuid.uuid4().hex
        expires = issued_at + self.access_seconds
        access_expires_at = datetime.fromtimestamp(expires, timezone.utc)
        access = self.keys.sign({
            "sub": user_id, "roles": ordered_roles(roles), "iss": self.issuer, "aud": self.audience,
            "iat": issued_at, "exp": expires, "jti": token_id,
        })
        refresh = new_secret()
        return IssuedPair(
            access_token=access, access_token_id=token_id, access_expires_at=access_expires_at,
            refresh_token=refresh, refresh_hash=hash_secret(refresh),
            refresh_expires_at=now + timedelta(seconds=self.refresh_seconds), access_seconds=self.access_seconds)
