"""match_svc's settings: what every service has, plus the leaving cut-off, the result confirmation
window and how often the result job runs."""

import dataclasses

from mesh.settings import Env, ServiceSettings, SettingsError

NAME = "match"


@dataclasses.dataclass(frozen=True, kw_only=True)
class MatchSettings(ServiceSettings):
    # Leaving a match this close to its start counts as a late drop-out.
    leave_cutoff_hours: float = 12.0
    # A result the other side has not answered is confirmed after this long.
    confirm_window_hours: float = 24.0
    # How often the job confirms unanswered results.
    job_interval_seconds: float = 60.0

    @classmethod
    def from_env(cls, name: str = NAME, environ=None) -> "MatchSettings":
        base = ServiceSettings.from_env(name, environ)
        env = Env(environ)
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(ServiceSettings)}
        values = {}
        for field, variable in (("leave_cutoff_hours", "PADEL_MATCH_LEAVE_CUTOFF_HOURS"),
                                ("confirm_window_hours", "PADEL_MATCH_CONFIRM_WINDOW_HOURS"),
                                ("job_interval_seconds", "PADEL_MATCH_JOB_INTERVAL_SECONDS")):
            values[field] = env.float(variable, getattr(cls, field))
            if values[field] <= 0:
                raise SettingsError(f"{variable}: expected a positive number, got {values[field]}")
        return cls(**fields, **values)
