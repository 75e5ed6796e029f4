"""booking_svc's own settings: defaults, and a bad value stops the start naming the variable."""

import pytest

from booking_svc.server import settings_from_env
from mesh.settings import SettingsError


def test_defaults_and_overrides():
    assert (settings_from_env({}).commission_percent, settings_from_env({}).job_interval_seconds) == (10, 30.0)
    settings = settings_from_env({"PADEL_BOOKING_COMMISSION_PERCENT": "12", "PADEL_BOOKING_JOB_INTERVAL_SECONDS": "5"})
    assert (settings.commission_percent, settings.job_interval_seconds) == (12, 5.0)


@pytest.mark.parametrize("name, value", [("PADEL_BOOKING_COMMISSION_PERCENT", "101"),
                                         ("PADEL_BOOKING_COMMISSION_PERCENT", "ten"),
                                         ("PADEL_BOOKING_JOB_INTERVAL_SECONDS", "0")])
def test_a_bad_value_names_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        settings_from_env({name: value})
