"""The README's configuration table: every environment variable the code reads, each in one row."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ("AUTH", "USER", "BOOKING", "NOTIFY", "PAYMENT", "MATCH")


def configuration_rows() -> list[list[str]]:
    return [[cell.strip() for cell in row.split("|")[1:-1]]
            for row in (ROOT / "README.md").read_text().splitlines() if row.startswith("| `PADEL_")]


def documented() -> set[str]:
    names = set()
    for row in configuration_rows():
        first = row[0]
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


def test_each_variable_has_one_row_and_each_service_its_default_ports():
    from mesh.settings import SERVICES as PORTS

    firsts = [row[0] for row in configuration_rows()]
    assert sorted({f for f in firsts if firsts.count(f) > 1}) == []
    defaults = {row[0]: row[1] for row in configuration_rows()}
    assert defaults["`PADEL_<SVC>_PORT`"] == " / ".join(str(grpc) for grpc, _ in PORTS.values())
    assert defaults["`PADEL_<SVC>_METRICS_PORT`"] == " / ".join(str(metrics) for _, metrics in PORTS.values())
    named = re.search(r"`<SVC>` is (.*?)\.\n", (ROOT / "README.md").read_text(), re.S).group(1)
    assert re.findall(r"`([A-Z]+)`", named) == [name.upper() for name in PORTS]


def test_every_variable_an_example_uses_is_set_by_an_example_or_named_in_the_text():
    text = (ROOT / "README.md").read_text()
    code = [line.split(" # ")[0] for block in re.findall(r"```sh\n(.*?)```", text, re.S)
            for line in block.splitlines() if not line.lstrip().startswith("#")]
    name = r"[A-Za-z_][A-Za-z0-9_]*"
    set_here = set()
    for line in code:
        set_here.update(re.findall(rf"(?:^|[\s;({{])(?:export\s+)?({name})=", line))
        set_here.update(n for names in re.findall(rf"\bread\s+((?:{name}\s*)+)", line) for n in names.split())
        set_here.update(re.findall(rf"\bfor\s+({name})\s+in\b", line))
    named_in_text = set(re.findall(rf"`\$({name})`", text))
    used = {n for line in code for n in re.findall(rf"\$\{{?({name})", line)}
    assert sorted(used - set_here - named_in_text) == []


def test_a_second_platform_is_told_every_port_it_listens_on():
    text = (ROOT / "README.md").read_text()
    paragraph = text[text.index("A second platform runs beside the first"):].split("\n\n")[0]
    named = {n.replace("<SVC>", s) for n in re.findall(r"`(PADEL_[A-Z0-9_<>]+)`", paragraph) for s in SERVICES}
    listened_on = {n for n in read_by_code() if n.endswith("_PORT") and not n.startswith("PADEL_NOTIFY_SMTP")}
    assert sorted(listened_on - named) == []
