"""One POST to an HTTP provider, with its outcome sorted into temporary and permanent failures."""

from __future__ import annotations

import requests

from notify_svc.channels import PermanentFailure, TemporaryFailure


def post(provider: str, url: str, *, timeout: float, **kwargs) -> dict:
    """The provider's JSON answer; 5xx, 429, timeouts and connection errors are temporary, other 4xx permanent."""
    try:
        response = requests.post(url, timeout=timeout, **kwargs)
    except requests.RequestException as error:
        raise TemporaryFailure(f"{provider} unreachable: {type(error).__name__}") from None
    if response.status_code >= 500 or response.status_code == 429:
        raise TemporaryFailure(f"{provider} answered HTTP {response.status_code}: {response.text[:200]}")
    if response.status_code >= 400:
        raise PermanentFailure(f"{provider} refused with HTTP {response.status_code}: {response.text[:200]}",
                               status=response.status_code)
    try:
        return response.json()
    except ValueError:
        return {}
