"""The access-token signing keys: the current private key and the public keys still trusted; and
the pepper that keys the hash of a deleted account's email.

The key comes from configuration (a PEM file or secret). The embedded default generates one on first
start and keeps it in the data folder. Previous public keys stay in the JWKS after a rotation, so
tokens signed before it keep working until they expire.
"""

import json
import os
import pathlib
import secrets
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ALGORITHM = "RS256"


def _thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 thumbprint: a `kid` that names the key itself, stable across restarts."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public_key))
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(canonical.encode())
    return jwt.utils.base64url_encode(digest.finalize()).decode()


def _public_jwk(public_key: rsa.RSAPublicKey) -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public_key))
    return {"kty": "RSA", "use": "sig", "alg": ALGORITHM, "kid": _thumbprint(public_key), "n": jwk["n"], "e": jwk["e"]}


def generate_pem(path: pathlib.Path) -> None:
    """Writes a new 2048-bit RSA private key, readable only by its owner."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


def load_pepper(configured: str, path: pathlib.Path) -> bytes:
    """The erasure pepper: from configuration, or (embedded default) a random one generated on
    first start and kept in the data folder, readable only by its owner. Every replica must use
    the same one, and it must never change, or a returning address is no longer recognised."""
    if configured:
        return configured.encode()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process of this data folder wrote it first
            return path.read_bytes().strip()
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_bytes().strip()


@dataclass(frozen=True)
class SigningKeys:
    private_key: rsa.RSAPrivateKey
    kid: str
    jwks: dict

    @classmethod
    def load(cls, key_file: pathlib.Path, previous_public_files: list[pathlib.Path]) -> "SigningKeys":
        private_key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise SystemExit(f"{key_file}: the signing key must be an RSA private key")
        previous = []
        for path in previous_public_files:
            public = serialization.load_pem_public_key(path.read_bytes())
            if not isinstance(public, rsa.RSAPublicKey):
                raise SystemExit(f"{path}: a previous signing key must be an RSA public key")
            previous.append(_public_jwk(public))
        current = _public_jwk(private_key.public_key())
        return cls(private_key=private_key, kid=current["kid"], jwks={"keys": [current, *previous]})

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})
