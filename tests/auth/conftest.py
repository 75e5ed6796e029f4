"""auth's edge tests run on the embedded default (`platform`) and on PostgreSQL + Redis (`platform_postgres`)."""

import pytest


@pytest.fixture(params=["platform", pytest.param("platform_postgres", marks=[pytest.mark.postgres, pytest.mark.slow])])
def running(request):
    return request.getfixturevalue(request.param)
