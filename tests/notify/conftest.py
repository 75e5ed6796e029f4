"""Registers notify's stand-in fixtures (defined in notify_standins.py) for this folder."""

from notify_standins import embedded_redis, notify_env, provider, smtp  # noqa: F401 - pytest fixtures
