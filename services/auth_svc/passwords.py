"""Password hashing (bcrypt) and the list of passwords too common to accept."""

import functools
import pathlib

import bcrypt

COMMON_PASSWORDS_FILE = pathlib.Path(__file__).with_name("common-passwords.txt")


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text().splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


class PasswordHasher:
    """bcrypt at a configured cost, with a dummy hash so an unknown email costs a real check too."""

    def __init__(self, rounds: int):
        self.rounds = rounds
        # Verifying against this makes "no such account" take as long as "wrong password".
        self._dummy = bcrypt.hashpw(b"padel-no-such-account", bcrypt.gensalt(rounds))

    def hash(self, password: str) -> str:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(self.rounds)).decode()

    def verify(self, password: str, hashed: str | None) -> bool:
        """Whether `password` matches `hashed`; with no hash (unknown account, Google-only account)
        the same work is done against the dummy and the answer is False."""
        if hashed is None:
            bcrypt.checkpw(password.encode(), self._dummy)
            return False
        return bcrypt.checkpw(password.encode(), hashed.encode())
