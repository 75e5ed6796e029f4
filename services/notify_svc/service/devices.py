"""The phones a user gets push notifications on (FCM registration tokens), several per user.

A token belongs to one app install, so it belongs to one account at a time: registering a token
another account holds moves it to the caller, and the oldest devices past MAX_DEVICES are dropped.
Devices go with the account (`Accounts.account_deleted` erases them).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Callable

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from notify_svc import domain, store

MAX_DEVICES = 10  # per user: a user with more phones than this keeps the newest


class Devices:
    def __init__(self, *, clock: Callable[[], dt.datetime] = utcnow):
        self.clock = clock

    def register(self, uow: UnitOfWork, caller: Caller, token: str) -> store.Device:
        """The caller's device with this token: as registered before, moved from another account, or new."""
        with uow.session() as session:
            device = store.device_by_token(session, token)
            if device is None:
                device = store.add_device(session, store.Device(id=str(uuid.uuid4()), user_id=caller.user_id,
                                                                token=token, created_at=self.clock()))
            elif device.user_id != caller.user_id:
                device.user_id, device.created_at = caller.user_id, self.clock()
            for old in store.devices_of(session, caller.user_id)[MAX_DEVICES:]:
                store.delete(session, old)
            return device

    def unregister(self, uow: UnitOfWork, caller: Caller, device_id: str) -> None:
        with uow.session() as session:
            device = store.device(session, device_id)
            domain.check_own(caller, device.user_id if device is not None else None, "device")
            store.delete(session, device)
