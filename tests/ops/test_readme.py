"""The README's configuration table names every environment variable the code reads."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ("AUTH", "USER", "BOOKING", "NOTIFY", "PAYMENT", "MATCH")


def documented() -> set[str]:
    names = set()
    for row in (ROOT / "README.md").read_text().splitlines():
        if not row.startswith("| `PADEL_"):
            continue
        first = row.split("|")[1]
        full = re.findall(r"`(PADEL_[A-Z0-9_<>]+)`", first)
        # "`PADEL_NOTIFY_SMTP_HOST` / `_PORT`": a suffix replaces the last word(s) of the first name.
        for suffix in re.findall(r"`(_[A-Z0-9_]+)`", first):
            stem = full[0]
            for cut in range(stem.count("_"), 0, -1):
                candidate = stem.rsplit("_", cut)[0] + suffix
                names.add(candidate)
        names.update(full)
    return {n.replace("<SVC>", s) for n in names for s in SERVICES}


def read_by_code() -> set[str]:
    found = set()
    for path in [*(ROOT / "services").rglob("*.py"), *(ROOT / "edge").rglob("*.py"), *(ROOT / "observe").rglob("*.py")]:
        found.update(re.findall(r"PADEL_[A-Z0-9_]+", path.read_text()))
    return {name.rstrip("_") for name in found if not name.endswith("_")}


def test_every_variable_the_code_reads_is_in_the_configuration_table():
    missing = sorted(read_by_code() - documented())
    assert missing == [], f"add these to the README's configuration table: {missing}"
