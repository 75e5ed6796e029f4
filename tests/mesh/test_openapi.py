"""gen/openapi.json describes every REST route of the contracts, as the edge transcodes it.

Its freshness is test_contracts.py::test_gen_matches_the_protos (it is part of gen/); what it says
on the wire is checked against the real edge by tests/edge/test_api_fuzz.py.
"""

import json
import pathlib

import pytest
from google.api import annotations_pb2
from openapi_spec_validator import validate

from mesh import contracts

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads((ROOT / "gen" / "openapi.json").read_text())


def schema(document: dict, name: str) -> dict:
    return document["components"]["schemas"][name]


def operation(document: dict, verb: str, path: str) -> dict:
    return document["paths"][path][verb]


def parameters(op: dict) -> dict[str, dict]:
    return {p["name"]: p for p in op.get("parameters", [])}


def test_it_is_a_valid_openapi_3_1_document(document):
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_rest_binding_is_an_operation_of_its_rpc(document):
    from padel.access.v1 import access_pb2

    expected = {}
    for service in contracts.services():
        for method in service.methods:
            rule = method.GetOptions().Extensions[annotations_pb2.http]
            for binding in (rule, *rule.additional_bindings):
                verb = binding.WhichOneof("pattern")
                if not verb:  # no REST binding of its own: another RPC serves its answer as JSON
                    continue
                expected[(verb, getattr(binding, verb))] = (f"/{service.full_name}/{method.name}",
                                                            method.GetOptions().Extensions[access_pb2.access].public)
    found = {(verb, path): (op["x-grpc-method"], bool(op.get("x-padel-public")))
             for path, ops in document["paths"].items() for verb, op in ops.items()}
    assert found == expected
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_private_routes_need_the_bearer_token_and_public_ones_take_it_optionally(document):
    assert document["components"]["securitySchemes"]["bearer"] == {
        **document["components"]["securitySchemes"]["bearer"], "type": "http", "scheme": "bearer"}
    book = operation(document, "post", "/api/bookings/book")
    assert book["security"] == [{"bearer": []}] and "401" in book["responses"]
    venues = operation(document, "get", "/api/bookings/venues")
    assert venues["security"] == [{}, {"bearer": []}] and "401" not in venues["responses"]


def test_errors_are_google_rpc_status(document):
    for path, ops in document["paths"].items():
        for verb, op in ops.items():
            assert op["responses"]["default"] == {"$ref": "#/components/responses/Error"}, (verb, path)
    error = document["components"]["responses"]["Error"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/google.rpc.Status"}
    status = schema(document, "google.rpc.Status")
    assert list(status["properties"]) == ["code", "message", "details"] and status["required"] == ["code", "message"]


def test_field_names_are_the_proto_names_the_edge_prints(document):
    # preserve_proto_field_names: snake_case, never the camelCase json_name.
    from padel.booking.v1 import booking_pb2

    booking = schema(document, "padel.booking.v1.Booking")
    assert list(booking["properties"]) == [f.name for f in booking_pb2.Booking.DESCRIPTOR.fields]
    assert "start_time" in booking["properties"] and "startTime" not in booking["properties"]
    assert booking["additionalProperties"] is False
    money = schema(document, "padel.booking.v1.Money")["properties"]["amount_paisa"]
    assert money["type"] == "string" and money["format"] == "int64"  # 64-bit integers print as strings
    start = booking["properties"]["start_time"]
    assert start["type"] == "string" and start["format"] == "date-time"


def test_path_query_and_body_parameters_follow_the_http_rule(document):
    update = operation(document, "put", "/api/bookings/venues/{venue_id}")
    assert parameters(update)["venue_id"]["in"] == "path" and parameters(update)["venue_id"]["schema"]["format"] == "uuid"
    body = update["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "venue_id" not in schema(document, body)["properties"]  # bound by the path, not the body
    listing = parameters(operation(document, "get", "/api/bookings/venues"))
    assert {"city", "near.latitude", "near.longitude", "page_size", "page_token"} <= set(listing)
    assert all(p["in"] == "query" for p in listing.values())
    assert "requestBody" not in operation(document, "get", "/api/bookings/venues")
    avatar = operation(document, "get", "/api/users/avatars/{file_name}")
    assert list(avatar["responses"]["200"]["content"]) == ["*/*"]  # response_body: raw HttpBody bytes


def test_an_httpbody_of_a_messages_json_is_described_as_that_message(document):
    """GET /api/bookings/availability and /api/bookings/venues are served as the JSON booking_svc keeps
    (an HttpBody): the document still gives GetAvailabilityResponse's and ListVenuesResponse's schemas
    and the same query parameters."""
    availability = operation(document, "get", "/api/bookings/availability")
    assert availability["responses"]["200"]["content"] == {"application/json": {"schema": {
        "$ref": "#/components/schemas/padel.booking.v1.GetAvailabilityResponse"}}}
    assert set(parameters(availability)) == {"venue_id", "date", "duration_minutes", "court_id"}
    assert "courts" in schema(document, "padel.booking.v1.GetAvailabilityResponse")["properties"]
    venues = operation(document, "get", "/api/bookings/venues")
    assert venues["x-grpc-method"] == "/padel.booking.v1.BookingService/ListVenuesPage"
    assert venues["responses"]["200"]["content"] == {"application/json": {"schema": {
        "$ref": "#/components/schemas/padel.booking.v1.ListVenuesResponse"}}}
    assert set(parameters(venues)) == {"city", "query", "near.latitude", "near.longitude", "radius_km", "page_size",
                                       "page_token", "order_by_rating"}


def test_protovalidate_rules_are_schema_constraints(document):
    listing = parameters(operation(document, "get", "/api/bookings/venues"))
    assert listing["page_size"]["schema"]["maximum"] == 100 and listing["page_size"]["schema"]["minimum"] == 0
    assert listing["near.latitude"]["schema"]["minimum"] == -90
    availability = parameters(operation(document, "get", "/api/bookings/availability"))
    assert availability["venue_id"]["required"] and availability["venue_id"]["schema"]["format"] == "uuid"
    assert availability["date"]["schema"]["pattern"].startswith("^[0-9]{4}-")
    register = schema(document, "padel.auth.v1.RegisterRequest")
    assert set(register["required"]) == {"email", "password", "first_name", "last_name"}
    assert register["properties"]["email"]["format"] == "email"
    assert register["properties"]["password"]["minLength"] == 8
    assert "max_bytes = 72" in register["properties"]["password"]["description"]  # no JSON Schema word for it
    # An optional phone: empty, or the pattern of its CEL rule (IGNORE_IF_ZERO_VALUE), with the
    # rule's own message.
    assert register["properties"]["phone"]["anyOf"] == [{"const": ""}, {"pattern": "^[+]92[0-9]{10}$"}]
    assert "+92 and 10 digits, e.g. +923001234567" in register["properties"]["phone"]["description"]
    assert "ROLE_ADMIN" not in register["properties"]["role"]["enum"]
    preferences = schema(document, "padel.user.v1.Preferences")["properties"]["channels"]
    assert preferences["uniqueItems"] and "CHANNEL_UNSPECIFIED" not in preferences["items"]["allOf"][1]["enum"]
    delete = schema(document, "padel.auth.v1.DeleteAccountRequest")
    assert delete["oneOf"] == [{"required": ["password"]}, {"required": ["google_id_token"]}]  # oneof required


def test_the_docs_routes_are_public_raw_bodies(document):
    for path in ("/api/openapi.json", "/api/docs", "/api/docs/{file}"):
        op = operation(document, "get", path)
        assert op["x-padel-public"] and list(op["responses"]["200"]["content"]) == ["*/*"], path
