"""match_svc's settings: what every service has, plus the leaving cut-off, the result confirmation
window, how often the job runs, and the fill rule of a match on a held court."""

import dataclasses

from match_svc.domain import FillRule
from mesh.settings import Env, ServiceSettings, SettingsError

NAME = "match"


@dataclasses.dataclass(frozen=True, kw_only=True)
class MatchSettings(ServiceSettings):
    # Leaving a match this close to its start counts as a late drop-out.
    leave_cutoff_hours: float = 12.0
    # A result the other side has not answered is confirmed after this long.
    confirm_window_hours: float = 24.0
    # How often the job confirms unanswered results and releases matches that did not fill.
    job_interval_seconds: float = 60.0
    # A match on a held court is booked with this many players more than this many hours ahead …
    hold_early_players: int = 2
    hold_early_hours: float = 12.0
    # … or this many more than this many hours ahead; short of them then, it is released.
    hold_late_players: int = 3
    hold_late_hours: float = 3.0

    @property
    def fill_rule(self) -> FillRule:
        return FillRule(self.hold_early_hours, self.hold_early_players, self.hold_late_hours, self.hold_late_players)

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
        for field, variable in (("hold_early_players", "PADEL_MATCH_HOLD_EARLY_PLAYERS"),
                                ("hold_late_players", "PADEL_MATCH_HOLD_LATE_PLAYERS")):
            values[field] = env.int(variable, getattr(cls, field), low=1, high=4)
        for field, variable in (("hold_early_hours", "PADEL_MATCH_HOLD_EARLY_HOURS"),
                                ("hold_late_hours", "PADEL_MATCH_HOLD_LATE_HOURS")):
            values[field] = env.float(variable, getattr(cls, field))
            if values[field] < 0:
                raise SettingsError(f"{variable}: expected hours ahead (0 or more), got {values[field]}")
        if values["hold_late_hours"] > values["hold_early_hours"]:
            raise SettingsError("PADEL_MATCH_HOLD_LATE_HOURS: expected no more than PADEL_MATCH_HOLD_EARLY_HOURS")
        return cls(**fields, **values)
