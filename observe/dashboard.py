"""The Grafana dashboard of the platform, as code (grafana-foundation-sdk).

Every query is written from the metric objects the services register (mesh.metrics and each
service's business counters), so a renamed metric renames the queries the next time this runs;
tests/ops/test_monitoring.py fails while the written dashboard is stale and when a panel queries a
series no running service or Envoy exports.

    python -m observe.dashboard    # (make gen) writes k8s/components/monitoring/dashboard.yaml
"""

import json
import pathlib

from grafana_foundation_sdk.builders import dashboard, prometheus, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef, GridPos, VariableOption
from prometheus_client.metrics import MetricWrapperBase

from auth_svc import metrics as auth_metrics
from booking_svc import metrics as booking_metrics
from mesh import metrics as grpc_metrics
from mesh.relay import EventBacklog
from mesh.settings import SERVICES
from notify_svc import metrics as notify_metrics

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "k8s" / "components" / "monitoring" / "dashboard.yaml"
UID = "padel-platform"
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
APPS = "|".join(SERVICES)
# Server-side faults; INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED … are the caller's.
SERVER_FAULTS = "UNKNOWN|INTERNAL|UNAVAILABLE|DATA_LOSS|DEADLINE_EXCEEDED"
WIDTH, HEIGHT = 12, 8
APP, UNARY, NOT_OK, FAULTS = 'app=~"$app"', 'grpc_type="unary"', 'grpc_code!="OK"', f'grpc_code=~"{SERVER_FAULTS}"'


def series(metric: MetricWrapperBase, part: str = "") -> str:
    """The name a metric's samples carry: `_total` for a counter, `_bucket` … for a histogram."""
    family = metric.describe()[0]
    suffix = {"counter": "_total"}.get(family.type, "")
    return family.name + (part or suffix)


HANDLED = series(grpc_metrics.HANDLED)
BUCKETS = series(grpc_metrics.HANDLING_SECONDS, "_bucket")
EVENTS_UNPUBLISHED, EVENTS_LAG, EVENTS_PENDING = (family.name for family in EventBacklog.describe())


def rate(name: str, *matchers: str) -> str:
    selector = "{" + ", ".join(matchers) + "}" if matchers else ""
    return f"rate({name}{selector}[$__rate_interval])"


def panel(title: str, unit: str, *queries: tuple[str, str], description: str = "") -> timeseries.Panel:
    built = timeseries.Panel().title(title).unit(unit).datasource(DATASOURCE)
    if description:
        built = built.description(description)
    for ref, (expr, legend) in zip("ABCDEFGH", queries):
        built = built.with_target(prometheus.Dataquery().ref_id(ref).datasource(DATASOURCE).expr(expr).legend_format(legend))
    return built


def panels() -> list[timeseries.Panel]:
    latency = [(f"histogram_quantile({q}, sum by (le) ({rate(BUCKETS, APP, UNARY)}))", f"p{round(q * 100)}")
               for q in (0.5, 0.95, 0.99)]
    return [
        panel("Request rate by service", "reqps", (f"sum by (grpc_service) ({rate(HANDLED, APP)})", "{{grpc_service}}")),
        panel("Server errors (share of calls)", "percentunit",
              (f"sum by (grpc_service) ({rate(HANDLED, APP, FAULTS)}) / sum by (grpc_service) ({rate(HANDLED, APP)})", "{{grpc_service}}"),
              description="Calls ending " + SERVER_FAULTS.replace("|", ", ") + "; callers' errors are not counted."),
        panel("Calls by status code", "reqps",
              (f"sum by (grpc_code) ({rate(HANDLED, APP, NOT_OK)})", "{{grpc_code}}")),
        panel("Latency p50 / p95 / p99 (unary)", "s", *latency),
        panel("Bookings created / cancelled", "short",
              (f"sum({rate(series(booking_metrics.BOOKINGS_CREATED))}) * 3600", "created per hour"),
              (f"sum by (reason) ({rate(series(booking_metrics.BOOKINGS_CANCELLED))}) * 3600",
               "cancelled per hour ({{reason}})")),
        panel("Revenue (PKR, per hour)", "short",
              (f"sum(increase({series(booking_metrics.REVENUE_PAISA)}[1h])) / 100", "confirmed in the last hour"),
              (f"sum(increase({series(booking_metrics.REFUNDED_PAISA)}[1h])) / 100", "given back in the last hour"),
              (f"(sum(increase({series(booking_metrics.REVENUE_PAISA)}[1h])) or vector(0)) / 100"
               f" - (sum(increase({series(booking_metrics.REFUNDED_PAISA)}[1h])) or vector(0)) / 100",
               "net of cancellations"),
              description="Bookings confirmed, less what cancelling or moving confirmed bookings gave back "
                          "(a late cancellation's fee stays in the net)."),
        panel("Registrations and sign-ins", "short",
              (f"sum by (method) ({rate(series(auth_metrics.REGISTERED))}) * 3600", "registered per hour ({{method}})"),
              (f"sum by (method) ({rate(series(auth_metrics.SESSIONS))}) * 3600", "sign-ins per hour ({{method}})")),
        panel("Refused sign-ins by reason", "short",
              (f"sum by (reason) ({rate(series(auth_metrics.LOGIN_FAILURES))}) * 3600", "{{reason}} per hour")),
        panel("Notifications by channel and outcome", "reqps",
              (f"sum by (channel, outcome) ({rate(series(notify_metrics.SENT))})", "{{channel}} {{outcome}}")),
        panel("Notification queue and delivery time", "short",
              (f"sum({series(notify_metrics.QUEUE_DEPTH)})", "queued deliveries"),
              (f"histogram_quantile(0.95, sum by (le) ({rate(series(notify_metrics.DELIVERY_SECONDS, '_bucket'))}))",
               "p95 seconds to deliver")),
        panel("Events waiting (outbox and consumer groups)", "short",
              (f"max by (app) ({EVENTS_UNPUBLISHED})", "{{app}} outbox"),
              (f"max by (stream, consumer_group) ({EVENTS_LAG} + {EVENTS_PENDING})",
               "{{consumer_group}} on {{stream}}"),
              description="Events committed but not yet relayed to Redis, and entries of each stream a consumer "
                          "group has not handled yet (not read, or read and not acknowledged)."),
        panel("Healthy upstream pods (edge's gRPC health checks)", "short",
              (f'max by (envoy_cluster_name) (envoy_cluster_membership_healthy{{envoy_cluster_name=~"{APPS}"}})',
               "{{envoy_cluster_name}}")),
        panel("Targets up", "short", (f'sum by (app) (up{{app=~"{APPS}|edge"}})', "{{app}}"),
              description="Targets answering Prometheus' scrapes, per component."),
    ]


def build() -> dict:
    """The dashboard model, as Grafana stores it."""
    board = (
        dashboard.Dashboard("Padel Platform").uid(UID).tags(["padel"]).timezone("browser").refresh("30s")
        .time("now-6h", "now")
        .with_variable(dashboard.DatasourceVariable("datasource").label("Data source").type("prometheus"))
        .with_variable(dashboard.CustomVariable("app").label("Component").values(",".join(SERVICES)).multi(True)
                       .include_all(True).all_value(APPS).current(VariableOption(text="All", value="$__all")))
    )
    for index, item in enumerate(panels()):
        board = board.with_panel(item.id(index + 1).grid_pos(
            GridPos(x=(index % 2) * WIDTH, y=(index // 2) * HEIGHT, w=WIDTH, h=HEIGHT)))
    return json.loads(JSONEncoder(sort_keys=True).encode(board.build()))


HEADER = """\
# Generated by `python -m observe.dashboard` (make gen) from observe/dashboard.py: do not edit.
# The Padel Platform dashboard: traffic, errors and latency per gRPC service, bookings, revenue,
# sign-ins, notifications, events waiting and upstream health. Grafana's dashboard sidecar loads
# ConfigMaps labelled grafana_dashboard: "1" (set the sidecar to search all namespaces, or move this
# to Grafana's).
apiVersion: v1
kind: ConfigMap
metadata:
  name: padel-grafana-dashboard
  labels:
    app.kubernetes.io/part-of: padel-platform
    grafana_dashboard: "1"
data:
  padel-platform.json: |
"""


def manifest() -> str:
    text = json.dumps(build(), indent=2, sort_keys=True)
    return HEADER + "".join(f"    {line}\n" for line in text.splitlines())


def main() -> None:
    OUT.write_text(manifest())
    print(OUT.relative_to(ROOT))


if __name__ == "__main__":
    main()
