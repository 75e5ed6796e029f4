"""The person's whole data export: one archive of what every service keeps about them, user_svc's own
part and each other service's export (asked by `collect`, with the person's token)."""

from __future__ import annotations

from typing import Callable, Mapping

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from user_svc.service.profiles import Profiles
from user_svc.service.views import Archive


class Archives:
    def __init__(self, profiles: Profiles, collect: Callable[[Caller], Mapping[str, object]]):
        self.profiles = profiles
        self.collect = collect

    def export(self, uow: UnitOfWork, caller: Caller) -> Archive:
        """Fails as a whole (Unavailable naming the service) when any service cannot give its part."""
        parts = self.collect(caller)
        return Archive(caller.user_id, self.profiles.export_data(uow, caller), parts, utcnow())
