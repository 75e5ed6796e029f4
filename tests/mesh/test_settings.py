"""Settings: working defaults, and a wrong value stops the process at start naming the variable."""

import pathlib
import subprocess
import sys

import pytest

from mesh.settings import ServiceSettings, SettingsError

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_defaults_are_the_documented_ports_and_embedded_stores(tmp_path):
    settings = ServiceSettings.from_env("booking", {"PADEL_DATA_DIR": str(tmp_path)})
    assert (settings.port, settings.metrics_port) == (3003, 9103)
    assert settings.database_url == f"sqlite:///{tmp_path / 'booking.db'}"
    assert settings.redis_url == ""
    assert settings.addresses == {"auth": "127.0.0.1:3001", "user": "127.0.0.1:3002",
                                  "booking": "127.0.0.1:3003", "notify": "127.0.0.1:3004",
                                  "payment": "127.0.0.1:3005", "match": "127.0.0.1:3006"}


@pytest.mark.parametrize("variable, value", [
    ("PADEL_BOOKING_PORT", "three-thousand"), ("PADEL_BOOKING_PORT", "70000"),
    ("PADEL_LOG_LEVEL", "LOUD"), ("PADEL_BOOKING_WORKERS", "0"),
])
def test_a_bad_value_names_the_variable(variable, value):
    with pytest.raises(SettingsError, match=variable):
        ServiceSettings.from_env("booking", {variable: value})


def test_a_service_started_with_a_bad_value_exits_naming_it(tmp_path):
    result = subprocess.run([sys.executable, "-m", "notify_svc"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT/'gen'}:{ROOT/'services'}:{ROOT}",
                                             "PADEL_DATA_DIR": str(tmp_path), "PADEL_NOTIFY_PORT": "abc"})
    assert result.returncode != 0
    assert "PADEL_NOTIFY_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_test_clock_is_off_unless_set_and_moves_time_by_the_seconds_in_its_file(tmp_path):
    import datetime as dt

    from mesh import clock

    assert ServiceSettings.from_env("match", {"PADEL_DATA_DIR": str(tmp_path)}).test_clock_file is None
    clock_file = tmp_path / "test-clock"
    settings = ServiceSettings.from_env("match", {"PADEL_DATA_DIR": str(tmp_path),
                                                  "PADEL_TEST_CLOCK_FILE": str(clock_file)})
    assert settings.test_clock_file == clock_file
    moment = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    now = clock.reading(settings.test_clock_file, read=lambda: moment)
    assert clock.reading(None, read=lambda: moment)() == moment
    assert now() == moment  # no file yet: not moved
    clock_file.write_text("90000.5\n")
    assert now() == moment + dt.timedelta(seconds=90000.5)  # read afresh at every call
    clock_file.write_text("tomorrow")
    assert now() == moment  # not a number: not moved (and logged)
