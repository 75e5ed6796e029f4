"""Every REST route fuzzed from the OpenAPI document, through the real edge, as three callers.

schemathesis reads gen/openapi.json (the document the edge serves, test_api_docs.py checks they
are the same) and sends generated requests, valid and invalid, to every operation with a player's,
a venue owner's and an admin's signed token: one test per route and caller. A response fails it
when it is a 5xx other than 501 (not implemented) or 503 (a dependency down), when its body does
not match the document's schema for its status (the error shape included), or when an error comes
back as anything but a JSON google.rpc.Status.

Examples per route and caller: PADEL_FUZZ_EXAMPLES (default 3; e.g. 100 for a long run). The
platform is this module's own (fuzzed data and locked-out sign-ins stay out of the other tests).
"""

import json
import os
import pathlib

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from mesh.settings import DEMO_OWNER_ID
from padel_testkit import launch_platform, stop_platform

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("PADEL_FUZZ_EXAMPLES", "3"))
CALLERS = ("player", "venue_owner", "admin")
# 501: a route whose RPC is not implemented yet; 503: a dependency is down. Both are intended.
ACCEPTED = ["1xx", "2xx", "3xx", "4xx", 501, 503]

SCHEMA = schemathesis.openapi.from_path(ROOT / "gen" / "openapi.json", config=SchemathesisConfig.from_dict({
    "checks": {"not_a_server_error": {"expected-statuses": ACCEPTED}},
    "request-timeout": 15,
}))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(scope="module")
def fuzzed_platform(tmp_path_factory):
    running = launch_platform(tmp_path_factory.mktemp("fuzz"), PADEL_AUTH_BCRYPT_ROUNDS="4",
                              PADEL_EDGE_RATE_LIMIT_RPS="100000")
    yield running
    stop_platform(running)


@pytest.fixture(scope="module")
def callers(fuzzed_platform) -> dict[str, dict[str, str]]:
    """Each caller's bearer header, signed with the running auth_svc's key: a player registered
    through the edge, the demo venues' owner, an admin."""
    answer = requests.post(f"{fuzzed_platform.url}/api/auth/register", timeout=15, json={
        "email": "fuzz-player@example.com", "password": "court at seven", "first_name": "Fuzz", "last_name": "Player"})
    assert answer.status_code == 200, answer.text
    ids = {"player": answer.json()["account"]["user_id"], "venue_owner": DEMO_OWNER_ID, "admin": None}
    return {role: fuzzed_platform.headers(ids[role], roles=(role,)) for role in CALLERS}


def error_is_a_json_status(ctx, response, case):
    """Every error, whoever answered (a service or Envoy itself), is a JSON google.rpc.Status."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json"), f"error with content-type {content_type!r}: {response.text[:200]!r}"
    body = json.loads(response.content)
    assert isinstance(body.get("code"), int) and isinstance(body.get("message"), str), f"not a google.rpc.Status: {body}"
    return None


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, error_is_a_json_status]


@pytest.mark.slow
@pytest.mark.parametrize("role", CALLERS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_route_answers_within_its_contract(operation, role, fuzzed_platform, callers):
    # Valid requests reach the services' own rules; invalid ones the edge's and protovalidate's.
    cases = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in GenerationMode))

    @hypothesis.given(case=cases)
    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                         suppress_health_check=list(hypothesis.HealthCheck), print_blob=True)
    def call(case):
        case.call_and_validate(base_url=fuzzed_platform.url, headers=callers[role], checks=CHECKS)

    call()
