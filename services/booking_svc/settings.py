"""booking_svc's settings: what every service has, plus the platform commission and the job interval."""

import dataclasses

from mesh.settings import Env, ServiceSettings, SettingsError

NAME = "booking"


@dataclasses.dataclass(frozen=True, kw_only=True)
class BookingSettings(ServiceSettings):
    # The platform's share of every booking's price, recorded on the booking.
    commission_percent: int = 10
    # How often the background job expires holds and completes bookings past their end.
    job_interval_seconds: float = 30.0

    @classmethod
    def from_env(cls, name: str = NAME, environ=None) -> "BookingSettings":
        base = ServiceSettings.from_env(name, environ)
        env = Env(environ)
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(ServiceSettings)}
        interval = env.float("PADEL_BOOKING_JOB_INTERVAL_SECONDS", 30.0)
        if interval <= 0:
            raise SettingsError(f"PADEL_BOOKING_JOB_INTERVAL_SECONDS: expected a positive number, got {interval}")
        return cls(**fields,
                   commission_percent=env.int("PADEL_BOOKING_COMMISSION_PERCENT", 10, 0, 100),
                   job_interval_seconds=interval)
