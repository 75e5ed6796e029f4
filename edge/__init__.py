"""The Padel Platform edge: renders envoy/envoy.yaml for an environment and starts Envoy."""
