"""booking_svc's own settings: defaults, and a bad value stops the start naming the variable."""

import uuid

import pytest

from booking_svc import seed, store
from booking_svc.server import settings_from_env
from mesh.db import Database
from mesh.settings import SettingsError


def test_defaults_and_overrides():
    assert (settings_from_env({}).commission_percent, settings_from_env({}).job_interval_seconds) == (10, 30.0)
    settings = settings_from_env({"PADEL_BOOKING_COMMISSION_PERCENT": "12", "PADEL_BOOKING_JOB_INTERVAL_SECONDS": "5"})
    assert (settings.commission_percent, settings.job_interval_seconds) == (12, 5.0)
    assert settings_from_env({}).max_unpaid_holds == 2
    assert settings_from_env({"PADEL_BOOKING_MAX_UNPAID_HOLDS": "3"}).max_unpaid_holds == 3


@pytest.mark.parametrize("name, value", [("PADEL_BOOKING_COMMISSION_PERCENT", "101"),
                                         ("PADEL_BOOKING_COMMISSION_PERCENT", "ten"),
                                         ("PADEL_BOOKING_JOB_INTERVAL_SECONDS", "0"),
                                         ("PADEL_BOOKING_DEMO_OWNER_ID", "demo-owner"),
                                         ("PADEL_BOOKING_MAX_UNPAID_HOLDS", "0")])
def test_a_bad_value_names_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        settings_from_env({name: value})


def test_the_demo_venues_belong_to_the_owner_the_setting_or_the_argument_names(tmp_path, monkeypatch, capsys):
    """`padel run` starts the seed with the platform's environment: PADEL_BOOKING_DEMO_OWNER_ID (the
    demo owner account auth creates) owns the venues; `--owner-id` wins over it."""
    from_setting, from_argument = str(uuid.uuid4()), str(uuid.uuid4())
    monkeypatch.setenv("PADEL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PADEL_BOOKING_DEMO_OWNER_ID", from_setting)
    seed.main([])
    seed.main(["--owner-id", from_argument])
    assert f"demo venue owner id {from_argument}" in capsys.readouterr().out
    database = Database(settings_from_env().database_url)
    try:
        with database.session() as session:
            assert len(store.venues_owned_by(session, from_setting)) == len(seed.DEMO_VENUES) == 3
            assert len(store.venues_owned_by(session, from_argument)) == 3
    finally:
        database.dispose()
