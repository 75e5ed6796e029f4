"""booking_svc's settings: what every service has, plus the platform commission, the job interval,
the demo venues' owner, how early members are reminded to renew and how many unpaid holds a player
may have at once."""

import dataclasses
import uuid

from mesh.settings import DEMO_OWNER_ID, Env, ServiceSettings, SettingsError

NAME = "booking"


@dataclasses.dataclass(frozen=True, kw_only=True)
class BookingSettings(ServiceSettings):
    # The platform's share of every booking's price, recorded on the booking.
    commission_percent: int = 10
    # How often the background job expires holds and completes bookings past their end.
    job_interval_seconds: float = 30.0
    # The user id owning the demo venues `booking_svc.seed` creates (the demo owner account auth makes).
    demo_owner_id: str = DEMO_OWNER_ID
    # How many days before a membership's paid period ends its member is reminded to renew.
    renewal_notice_days: int = 7
    # How many bookings a player may hold awaiting online payment at once, across every venue: more
    # would let one player keep many courts from others without paying.
    max_unpaid_holds: int = 2

    @classmethod
    def from_env(cls, name: str = NAME, environ=None) -> "BookingSettings":
        base = ServiceSettings.from_env(name, environ)
        env = Env(environ)
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(ServiceSettings)}
        interval = env.float("PADEL_BOOKING_JOB_INTERVAL_SECONDS", 30.0)
        if interval <= 0:
            raise SettingsError(f"PADEL_BOOKING_JOB_INTERVAL_SECONDS: expected a positive number, got {interval}")
        owner = env.str("PADEL_BOOKING_DEMO_OWNER_ID", DEMO_OWNER_ID)
        try:
            uuid.UUID(owner)
        except ValueError:
            raise SettingsError(f"PADEL_BOOKING_DEMO_OWNER_ID: expected a user id (uuid), got {owner!r}") from None
        return cls(**fields,
                   commission_percent=env.int("PADEL_BOOKING_COMMISSION_PERCENT", 10, 0, 100),
                   job_interval_seconds=interval, demo_owner_id=owner,
                   renewal_notice_days=env.int("PADEL_BOOKING_RENEWAL_NOTICE_DAYS", 7, 0, 60),
                   max_unpaid_holds=env.int("PADEL_BOOKING_MAX_UNPAID_HOLDS", 2, 1, 100))
