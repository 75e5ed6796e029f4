"""Sign in with Google: verification of an OpenID Connect ID token against Google's JWKS.

Checked: the RS256 signature with a key from the configured JWKS URL, `iss` (Google's two
spellings), `aud` (our OAuth client id), `exp`, and that Google verified the email address.
"""

from dataclasses import dataclass
from datetime import datetime, timezone

import jwt

from mesh.errors import FailedPrecondition, Unauthenticated, Unavailable

ISSUERS = ("accounts.google.com", "https://accounts.google.com")
JWKS_CACHE_SECONDS = 3600
FETCH_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class GoogleIdentity:
    subject: str
    email: str
    given_name: str
    family_name: str
    issued_at: datetime  # when Google issued the token: how recently the person signed in


class GoogleVerifier:
    def __init__(self, client_id: str, jwks_url: str):
        self.client_id = client_id
        self.keys = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS,
                                    timeout=FETCH_TIMEOUT_SECONDS) if client_id else None

    def verify(self, id_token: str) -> GoogleIdentity:
        if self.keys is None:
            raise FailedPrecondition("Google sign-in is not configured")
        try:
            key = self.keys.get_signing_key_from_jwt(id_token)
        except jwt.PyJWKClientConnectionError as exc:
            raise Unavailable("Google's signing keys are unreachable; try again shortly") from exc
        except jwt.PyJWTError:
            raise Unauthenticated("invalid Google ID token") from None
        try:
            claims = jwt.decode(id_token, key=key, algorithms=["RS256"], audience=self.client_id, issuer=ISSUERS,
                                options={"require": ["iss", "aud", "exp", "iat", "sub", "email"]})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("Google ID token expired") from None
        except jwt.PyJWTError:
            raise Unauthenticated("invalid Google ID token") from None
        if claims.get("email_verified") not in (True, "true"):
            raise Unauthenticated("Google has not verified this email address")
        email = str(claims["email"])
        name = str(claims.get("name") or "")
        return GoogleIdentity(
            subject=str(claims["sub"]), email=email,
            issued_at=datetime.fromtimestamp(int(claims["iat"]), timezone.utc),
            given_name=str(claims.get("given_name") or name.split(" ")[0] or email.split("@")[0])[:100],
            family_name=str(claims.get("family_name") or " ".join(name.split(" ")[1:]) or "-")[:100])
