"""Monitoring as code: a real Prometheus loads the platform's rules, the alerts fire when they
must (promtool unit tests), and the dashboard queries only series the running platform exports."""

import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from observe import dashboard, prometheus
from padel_testkit import free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Series Prometheus makes itself for every target, not exported by anyone.
PROMETHEUS_OWN = {"up"}
# Named by an alert before the code exports it: the contract the owner is asked to export. Once it
# does, the name leaves this list (the test below says so).
PROMISED: dict[str, str] = {}
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"}


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is not installed; `make prometheus` installs Debian's prometheus package")
        pytest.skip("promtool not installed (make prometheus)")
    return found


def run_promtool(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run([promtool(), *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def metric_names(expression: str) -> set[str]:
    """The metric names a PromQL expression selects (functions, labels and keywords left out)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expression)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = re.findall(r"(?<![\w.$])([a-zA-Z_:][\w:]*)\b(?!\s*\()", text)
    return set(names) - _KEYWORDS


def exported_series(platform) -> set[str]:
    """Every series name the running platform's services, edge directory and Envoy export, from their
    /metrics text (families with no samples yet included: they still have # TYPE lines)."""
    urls = [platform.metrics_url(service) for service in prometheus.SERVICES]
    urls.append(f"http://127.0.0.1:{platform.env['PADEL_EDGE_DIRECTORY_METRICS_PORT']}/metrics")
    urls.append(f"http://127.0.0.1:{platform.env['PADEL_EDGE_OPS_PORT']}/stats/prometheus")
    names = set()
    suffixes = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_sum", "_count", "_created"),
                "summary": ("", "_sum", "_count", "_created"), "gauge": ("",), "untyped": ("",), "info": ("_info",)}
    for url in urls:
        for family in text_string_to_metric_families(requests.get(url, timeout=10).text):
            names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
            names |= {sample.name for sample in family.samples}
    return names


def rule_expressions() -> dict[str, str]:
    """Alerts and recording rules, as "alert <name>" / "record <name>": their expressions."""
    return {f"{'alert' if 'alert' in rule else 'record'} {rule.get('alert') or rule['record']}": rule["expr"]
            for group in prometheus.rule_groups()["groups"] for rule in group["rules"]}


def panel_expressions() -> dict[str, str]:
    return {f"panel {panel['title']} {target['refId']}": target["expr"]
            for panel in dashboard.build()["panels"] for target in panel["targets"]}


def test_metric_names_are_read_from_promql():
    assert metric_names('sum by (app, le) (rate(a_total{x="b|c"}[5m])) / on (app) max(b) > 0 and up == 1') == \
        {"a_total", "b", "up"}
    assert metric_names("histogram_quantile(0.95, sum by (le) (rate(h_bucket[$__rate_interval])))") == {"h_bucket"}


def test_promtool_accepts_the_rules_and_the_local_config(tmp_path):
    config = prometheus.write(tmp_path)
    rules = run_promtool("check", "rules", prometheus.RULES_FILE, cwd=tmp_path)
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert f"SUCCESS: {len(rule_expressions())} rules found" in rules.stdout
    checked = run_promtool("check", "config", str(config), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_alerts_fire_when_they_must(tmp_path):
    # tests/ops/alert_rules_test.yaml: a service down 2 minutes, an error-rate spike, an outbox
    # backlog, a lagging consumer group, no SERVING upstream, a dead-lettered message (and the near misses
    # that must not fire), and the net revenue the recording rules compute.
    prometheus.write(tmp_path)
    shutil.copy(ROOT / "tests" / "ops" / "alert_rules_test.yaml", tmp_path)
    result = run_promtool("test", "rules", "alert_rules_test.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    tested = set(re.findall(r"alertname: (\w+)", (tmp_path / "alert_rules_test.yaml").read_text()))
    assert tested >= {"PadelServiceDown", "PadelHighErrorRate", "PadelOutboxBacklog", "PadelConsumerLagging"}
    assert "padel:booking_net_revenue_paisa:increase1h" in (tmp_path / "alert_rules_test.yaml").read_text()


def test_the_dashboard_file_is_generated_from_the_code():
    assert dashboard.OUT.read_text() == dashboard.manifest(), \
        "k8s/components/monitoring/dashboard.yaml is stale: run `make gen` and commit it"


def test_dashboard_panels_query_only_series_the_running_platform_exports(platform):
    exported = exported_series(platform)
    missing = {where: metric for where, expr in panel_expressions().items()
               for metric in metric_names(expr) - exported - PROMETHEUS_OWN}
    assert missing == {}, f"panels query metrics no service or Envoy exports: {missing}"


def test_alerts_query_exported_series_or_a_promised_one(platform):
    exported = exported_series(platform)
    for where, expr in rule_expressions().items():
        for metric in metric_names(expr) - exported - PROMETHEUS_OWN:
            assert metric in PROMISED, f"{where}: {metric} is not exported by any service or Envoy"
    assert not set(PROMISED) & exported, "now exported: remove it from PROMISED"


@pytest.fixture
def observing(platform, tmp_path):
    """`python -m observe` (make observe) beside the running platform, on a free port."""
    promtool()
    port = free_port()
    env = {**platform.env, "PADEL_PROMETHEUS_PORT": str(port), "PADEL_DATA_DIR": str(tmp_path)}
    out = (tmp_path / "observe.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "observe"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}", tmp_path / "observe.log", prometheus.targets(platform.env)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(condition, what: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while True:
        try:
            found = condition()
        except requests.RequestException:
            found = None
        if found:
            return found
        assert time.monotonic() < deadline, what
        time.sleep(0.5)


def test_make_observe_scrapes_every_target_and_loads_the_rules(observing):
    url, log, targets = observing
    expected = {(app, address) for app, address, _path in targets}
    assert len(expected) == len(prometheus.SERVICES) + 2  # services, the edge directory, Envoy

    def all_up():
        active = requests.get(f"{url}/api/v1/targets", timeout=5).json()["data"]["activeTargets"]
        up = {(t["labels"]["app"], t["labels"]["instance"]) for t in active if t["health"] == "up"}
        return active if up == expected and len(active) == len(expected) else None

    active = wait_for(all_up, f"not every target up:\n{log.read_text()}")
    assert {t["scrapeUrl"].split("/", 3)[-1] for t in active} == {"metrics", "stats/prometheus"}
    assert f"Prometheus for the platform: {url}" in log.read_text()  # it says where to open it
    groups = requests.get(f"{url}/api/v1/rules", timeout=5).json()["data"]["groups"]
    loaded = {rule["name"] for group in groups for rule in group["rules"]}
    assert loaded == {name.split(" ", 1)[1] for name in rule_expressions()}
    # The platform's own series arrive with the `app` label the alerts group by.
    answer = wait_for(lambda: requests.get(f"{url}/api/v1/query", timeout=5,
                                           params={"query": "count by (app) (grpc_server_started_total)"}).json()["data"]["result"],
                      "no grpc_server_started_total scraped")
    assert {r["metric"]["app"] for r in answer} == set(prometheus.SERVICES) | {"edge"}
