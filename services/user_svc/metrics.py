"""user_svc's business counters, beside the RPC metrics every service has: profiles made and erased,
connections asked for and made. Counted once the change commits (`events`); labels say how, never who."""

from prometheus_client import Counter

PROFILES_CREATED = Counter("padel_profiles_created", "Profiles made (registration or first call).")
PROFILES_DELETED = Counter("padel_profiles_deleted", "Profiles erased, by why (profile: DeleteProfile; "
                           "account_closed: the account was deleted).", ("reason",))
CONNECTIONS_REQUESTED = Counter("padel_connections_requested", "Connection requests sent.")
CONNECTIONS_ACCEPTED = Counter("padel_connections_accepted", "Connection requests accepted.")
