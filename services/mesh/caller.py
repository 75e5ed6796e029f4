"""Who is calling: set by the auth interceptor for the duration of one RPC, read by the domain."""

import contextvars
from dataclasses import dataclass
from datetime import datetime

from mesh.errors import PermissionDenied, Unauthenticated

PLAYER, VENUE_OWNER, ADMIN = "player", "venue_owner", "admin"


@dataclass(frozen=True)
class Caller:
    """A verified access token's subject."""

    user_id: str
    roles: frozenset[str]
    token_id: str
    expires_at: datetime
    token: str

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles


_current: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("padel_caller", default=None)


def current() -> Caller:
    """The caller of the RPC being served; raises Unauthenticated on a public RPC without a token."""
    caller = _current.get()
    if caller is None:
        raise Unauthenticated("sign in first: this call needs an access token")
    return caller


def optional() -> Caller | None:
    """The caller if the request carried a valid token (public RPCs may be called either way)."""
    return _current.get()


def require_role(*roles: str) -> Caller:
    """The caller, if they hold one of `roles`."""
    caller = current()
    if not caller.roles.intersection(roles):
        raise PermissionDenied(f"this call needs the role {' or '.join(roles)}")
    return caller


def bind(caller: Caller | None) -> contextvars.Token:
    return _current.set(caller)


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)
