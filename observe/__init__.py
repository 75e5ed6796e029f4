"""Operating the platform locally: a real Prometheus beside a running platform (`make observe`)
with the alert and recording rules of k8s/components/monitoring, and the Grafana dashboard there,
generated as code."""
