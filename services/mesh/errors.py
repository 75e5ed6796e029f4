"""Domain errors: exceptions with a meaning that every service raises the same way.

No grpc here; `mesh.interceptors` maps each class to a gRPC status code (and so Envoy to an HTTP
status). Messages are shown to clients, so they never carry secrets.
"""


class DomainError(Exception):
    """Base of every error a client is meant to see; `reason` is a stable UPPER_SNAKE code."""

    reason = "ERROR"

    def __init__(self, message: str, *, reason: str | None = None):
        super().__init__(message)
        self.message = message
        if reason:
            self.reason = reason


class InvalidArgument(DomainError):
    """The request is wrong; `fields` maps a field path to what is wrong with it."""

    reason = "INVALID_ARGUMENT"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, reason: str | None = None):
        super().__init__(message, reason=reason)
        self.fields = fields or {}

    @classmethod
    def field(cls, path: str, problem: str) -> "InvalidArgument":
        """One bad field: the message names it, so a client sees `path: problem`."""
        return cls(f"{path}: {problem}", fields={path: problem})


class NotFound(DomainError):
    reason = "NOT_FOUND"


class AlreadyExists(DomainError):
    """Creating something that exists already (an email registered twice)."""

    reason = "ALREADY_EXISTS"


class Conflict(DomainError):
    """A concurrent change won (a court slot just taken, an idempotency key reused)."""

    reason = "CONFLICT"


class FailedPrecondition(DomainError):
    """The resource is not in a state that allows the call (a forbidden status transition)."""

    reason = "FAILED_PRECONDITION"


class Unauthenticated(DomainError):
    """Who are you? The token is missing, bad, expired or revoked."""

    reason = "UNAUTHENTICATED"


class PermissionDenied(DomainError):
    """You may not: the caller is known but lacks the right."""

    reason = "PERMISSION_DENIED"


class ResourceExhausted(DomainError):
    """Too many attempts; `retry_after_seconds` says when to try again."""

    reason = "RESOURCE_EXHAUSTED"

    def __init__(self, message: str, *, retry_after_seconds: int, reason: str | None = None):
        super().__init__(message, reason=reason)
        self.retry_after_seconds = retry_after_seconds


class Unavailable(DomainError):
    """A dependency (database, Redis, a peer service) is down; retrying later may work."""

    reason = "UNAVAILABLE"
