"""A real Prometheus (Debian's `prometheus` package) beside a running platform: `make observe`.

It scrapes every service's metrics port, the edge directory's and Envoy's ops `/stats/prometheus`,
each target labelled `app` as the Kubernetes PodMonitor labels pods, and loads the very rule
groups of the PrometheusRule in k8s/components/monitoring/alerts.yaml, so an alert behaves here as
it will in the cluster. Ports come from the same PADEL_* settings the platform reads:

| variable | default | what |
|---|---|---|
| PADEL_<SVC>_METRICS_PORT | 9101 … | each service's /metrics |
| PADEL_EDGE_DIRECTORY_METRICS_PORT | 9105 | the edge directory's /metrics |
| PADEL_EDGE_OPS_PORT | 9902 | Envoy's /stats/prometheus |
| PADEL_PROMETHEUS_PORT | 9090 | where Prometheus itself listens (127.0.0.1) |
| PADEL_DATA_DIR | ./data | Prometheus' config, rules and samples go under prometheus/ |

    python -m observe [--check]     # --check: write the files and run promtool on them, then exit
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
from typing import Mapping

import yaml

from mesh.settings import SERVICES, Env

ROOT = pathlib.Path(__file__).resolve().parent.parent
ALERTS = ROOT / "k8s" / "components" / "monitoring" / "alerts.yaml"
RULES_FILE = "padel-rules.yaml"
SCRAPE_SECONDS = 5
DIRECTORY = "edge"  # the directory runs in the edge pod, whose `app` label is edge


class ObserveError(SystemExit):
    """Something `make observe` needs is missing; says what to do."""


def rule_groups(alerts: pathlib.Path = ALERTS) -> dict:
    """The rule groups of the platform's PrometheusRule, as a plain Prometheus rules file."""
    documents = [d for d in yaml.safe_load_all(alerts.read_text()) if d]
    groups = [group for d in documents if d.get("kind") == "PrometheusRule" for group in d["spec"]["groups"]]
    return {"groups": groups}


def targets(environ: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(app, address, metrics path) of everything a local platform exposes to Prometheus."""
    env = Env(environ)
    found = [(name, f"127.0.0.1:{env.int(f'PADEL_{name.upper()}_METRICS_PORT', metrics, 1, 65535)}", "/metrics")
             for name, (_grpc, metrics) in SERVICES.items()]
    found.append((DIRECTORY, f"127.0.0.1:{env.int('PADEL_EDGE_DIRECTORY_METRICS_PORT', 9105, 1, 65535)}", "/metrics"))
    found.append(("edge", f"127.0.0.1:{env.int('PADEL_EDGE_OPS_PORT', 9902, 1, 65535)}", "/stats/prometheus"))
    return found


def config(environ: Mapping[str, str] | None = None) -> dict:
    """prometheus.yml for a local platform: one job per metrics path, `app` on every target."""
    jobs: dict[str, list] = {}
    for app, address, path in targets(environ):
        jobs.setdefault(path, []).append({"targets": [address], "labels": {"app": app}})
    return {
        "global": {"scrape_interval": f"{SCRAPE_SECONDS}s", "evaluation_interval": f"{SCRAPE_SECONDS}s"},
        "rule_files": [RULES_FILE],
        "scrape_configs": [{"job_name": "padel" if path == "/metrics" else "envoy", "metrics_path": path,
                            "static_configs": static} for path, static in jobs.items()],
    }


def write(folder: pathlib.Path, environ: Mapping[str, str] | None = None) -> pathlib.Path:
    """Writes prometheus.yml and the rules beside it; returns the config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RULES_FILE).write_text(yaml.safe_dump(rule_groups(), sort_keys=False))
    path = folder / "prometheus.yml"
    path.write_text(yaml.safe_dump(config(environ), sort_keys=False))
    return path


def binary(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise ObserveError(f"{name}: not found; install Debian's prometheus package (`make prometheus`)")
    return found


def command(config_path: pathlib.Path, port: int) -> list[str]:
    """The argv of Prometheus on `config_path`, its samples beside it, on 127.0.0.1:`port`."""
    return [binary("prometheus"), f"--config.file={config_path}",
            f"--storage.tsdb.path={config_path.parent / 'samples'}",
            f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=2d", "--log.level=warn"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m observe", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write and check the files, then exit")
    args = parser.parse_args(argv)
    env = Env()
    port = env.int("PADEL_PROMETHEUS_PORT", 9090, 1, 65535)
    folder = pathlib.Path(env.str("PADEL_DATA_DIR", "data")) / "prometheus"
    config_path = write(folder)
    checked = subprocess.run([binary("promtool"), "check", "config", str(config_path)], capture_output=True, text=True)
    if checked.returncode != 0:
        raise ObserveError(checked.stdout + checked.stderr)
    if args.check:
        print(checked.stdout.strip())
        return
    print(f"Prometheus for the platform: http://127.0.0.1:{port}\n"
          f"  targets  http://127.0.0.1:{port}/targets   (every service, the edge directory, Envoy)\n"
          f"  alerts   http://127.0.0.1:{port}/alerts    (rules from {ALERTS.relative_to(ROOT)})\n"
          f"  config   {config_path}\n"
          "Ctrl-C stops it.", flush=True)
    run = command(config_path, port)
    os.execv(run[0], run)


if __name__ == "__main__":
    sys.exit(main())
