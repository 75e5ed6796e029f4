"""auth_svc's business counters, beside the RPC metrics every service has. Labels say how, never
who: no emails, ids or addresses."""

from prometheus_client import Counter

REGISTERED = Counter("users_registered_total", "Accounts created, by how.", ("method",))
SESSIONS = Counter("user_sessions_total", "Sessions started (sign-ins), by how.", ("method",))
LOGIN_FAILURES = Counter("auth_login_failures_total", "Refused password sign-ins, by why.", ("reason",))
