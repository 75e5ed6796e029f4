"""The OpenAPI 3.1 document of the REST API, walked from the descriptor set Envoy transcodes with.

Every `google.api.http` binding of every `padel.*` RPC becomes an operation (internal RPCs, for peers
only, have none, so they are not in it), with the names and shapes Envoy's grpc_json_transcoder
accepts and prints as the edge configures it
(`preserve_proto_field_names`, enums by name, `always_print_primitive_fields`): proto field names,
64-bit integers as decimal strings, Timestamps as RFC 3339 strings, bytes as base64. Fields bound
by the path template are path parameters; the others are the body (`body: "*"` or one field) or,
without a body, query parameters (message fields flatten to `a.b`). protovalidate rules become
schema constraints where JSON Schema has one (lengths, patterns, ranges, enums, uuid/email
formats, required) and are spelled out in the description where it has none. RPCs marked
`(padel.access.v1.access).public` need no bearer token; every error is a `google.rpc.Status`.

Written to gen/openapi.json by `make gen` (mesh.codegen); the edge serves it at /api/openapi.json.
"""

import json
import pathlib
import re
from typing import Any

from buf.validate import validate_pb2
from google.api import annotations_pb2
from google.protobuf import descriptor_pb2
from padel.access.v1 import access_pb2

from mesh.settings import VERSION

OPENAPI_VERSION = "3.1.0"
SCHEMAS = "#/components/schemas/"
STATUS = "google.rpc.Status"
HTTP_BODY = "google.api.HttpBody"
# The message an HttpBody answer is the JSON of; absent from contracts older than it (`make breaking`
# walks main's contracts with this code).
_JSON_BODY = getattr(access_pb2, "json_body", None)
_VERBS = ("get", "put", "post", "delete", "patch")
_TEMPLATE_VARIABLE = re.compile(r"\{([^}=]+)(?:=[^}]*)?\}")

F = descriptor_pb2.FieldDescriptorProto
_INT64 = {"type": "string", "format": "int64", "pattern": "^-?[0-9]+$"}
_UINT64 = {"type": "string", "format": "uint64", "pattern": "^[0-9]+$"}
SCALARS: dict[int, dict] = {
    F.TYPE_DOUBLE: {"type": "number", "format": "double"},
    F.TYPE_FLOAT: {"type": "number", "format": "float"},
    F.TYPE_INT64: _INT64, F.TYPE_SINT64: _INT64, F.TYPE_SFIXED64: _INT64,
    F.TYPE_UINT64: _UINT64, F.TYPE_FIXED64: _UINT64,
    F.TYPE_INT32: {"type": "integer", "format": "int32"},
    F.TYPE_SINT32: {"type": "integer", "format": "int32"},
    F.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    F.TYPE_UINT32: {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**32 - 1},
    F.TYPE_FIXED32: {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**32 - 1},
    F.TYPE_BOOL: {"type": "boolean"},
    F.TYPE_STRING: {"type": "string"},
    F.TYPE_BYTES: {"type": "string", "format": "byte", "contentEncoding": "base64"},
}
_WRAPPERS = {f"google.protobuf.{name}Value": kind for name, kind in [
    ("Double", F.TYPE_DOUBLE), ("Float", F.TYPE_FLOAT), ("Int64", F.TYPE_INT64), ("UInt64", F.TYPE_UINT64),
    ("Int32", F.TYPE_INT32), ("UInt32", F.TYPE_UINT32), ("Bool", F.TYPE_BOOL), ("String", F.TYPE_STRING),
    ("Bytes", F.TYPE_BYTES)]}
# Well-known types have their own JSON form (the protobuf JSON mapping); they are never $refs.
WELL_KNOWN: dict[str, dict] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$",
                                 "description": "Seconds with an `s` suffix, e.g. `90s`."},
    "google.protobuf.FieldMask": {"type": "string",
                                  "description": "Comma-separated field names, e.g. `display_name,city`."},
    "google.protobuf.Empty": {"type": "object", "additionalProperties": False},
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array"},
    "google.protobuf.Any": {"type": "object", "required": ["@type"],
                            "properties": {"@type": {"type": "string"}}},
    **{name: {**SCALARS[kind], "type": [SCALARS[kind]["type"], "null"]} for name, kind in _WRAPPERS.items()},
}
_ZERO = {"string": "", "integer": 0, "number": 0, "boolean": False}


def _comment(text: str) -> str:
    return " ".join(line.strip() for line in text.strip().splitlines()).strip()


class Contracts:
    """Messages, enums and comments of a descriptor set, by full name (without the leading dot)."""

    def __init__(self, files: list[descriptor_pb2.FileDescriptorProto]):
        self.files = files
        self.messages: dict[str, descriptor_pb2.DescriptorProto] = {}
        self.enums: dict[str, descriptor_pb2.EnumDescriptorProto] = {}
        self.comments: dict[tuple, str] = {}
        self._paths: dict[str, tuple] = {}  # full name → its source-info path
        for file in files:
            for location in file.source_code_info.location:
                if location.leading_comments:
                    self.comments[(file.name, *location.path)] = _comment(location.leading_comments)
            self._index(file.package, file.message_type, file.enum_type, (file.name,), 4, 5)

    def _index(self, prefix, messages, enums, path, message_tag, enum_tag):
        """Names every enum and message under `prefix`, nested ones too (descriptor tags: file 4/5,
        message 3/4 for nested messages/enums)."""
        for i, enum in enumerate(enums):
            self.enums[f"{prefix}.{enum.name}"] = enum
            self._paths[f"{prefix}.{enum.name}"] = (*path, enum_tag, i)
        for i, message in enumerate(messages):
            name = f"{prefix}.{message.name}"
            self.messages[name] = message
            self._paths[name] = (*path, message_tag, i)
            self._index(name, message.nested_type, message.enum_type, (*path, message_tag, i), 3, 4)

    def doc(self, name: str, *sub: int) -> str:
        """The leading comment of a message or enum (`sub`: its field / value path)."""
        return self.comments.get((*self._paths[name], *sub), "")


def _type_name(field: descriptor_pb2.FieldDescriptorProto) -> str:
    return field.type_name.lstrip(".")


def _rules(field: descriptor_pb2.FieldDescriptorProto) -> validate_pb2.FieldRules:
    return field.options.Extensions[validate_pb2.field]


def _template_fields(template: str) -> list[str]:
    return _TEMPLATE_VARIABLE.findall(template)


class Builder:
    """Turns contracts into one OpenAPI document; schemas are collected as they are referenced."""

    def __init__(self, contracts: Contracts):
        self.c = contracts
        self.schemas: dict[str, dict] = {}

    # -- schemas -------------------------------------------------------------------------------

    def message_ref(self, name: str, omit: tuple[str, ...] = (), as_name: str | None = None) -> dict:
        """A $ref to the schema of message `name` (without the fields in `omit`), made on first use."""
        if name in WELL_KNOWN:
            return dict(WELL_KNOWN[name])
        key = as_name or name
        if key not in self.schemas:
            self.schemas[key] = {}  # reserved first: messages may refer to themselves
            self.schemas[key] = self.message_schema(name, omit)
        return {"$ref": SCHEMAS + key}

    def message_schema(self, name: str, omit: tuple[str, ...] = ()) -> dict:
        message = self.c.messages[name]
        properties, required = {}, []
        for index, field in enumerate(message.field):
            if field.name in omit:
                continue
            schema = self.field_schema(field, self.c.doc(name, 2, index))
            if self.must_be_sent(field):
                required.append(field.name)
            properties[field.name] = schema
        schema: dict[str, Any] = {"type": "object"}
        if self.c.doc(name):
            schema["description"] = self.c.doc(name)
        schema["properties"] = properties
        if required:
            schema["required"] = required
        # A oneof (not proto3 `optional`, which is a synthetic oneof of one) sets at most one member.
        for index, oneof in enumerate(message.oneof_decl):
            members = [f.name for f in message.field if f.HasField("oneof_index") and f.oneof_index == index
                       and not f.proto3_optional and f.name not in omit]
            if not members:
                continue
            if oneof.options.Extensions[validate_pb2.oneof].required:
                schema.setdefault("oneOf", []).extend({"required": [m]} for m in members)
            elif len(members) > 1:
                schema.setdefault("allOf", []).append({"not": {"anyOf": [{"required": [a, b]} for a in members
                                                                         for b in members if a < b]}})
        schema["additionalProperties"] = False
        return schema

    def enum_schema(self, name: str) -> dict:
        enum = self.c.enums[name]
        schema = {"type": "string", "enum": [v.name for v in enum.value]}
        described = [f"`{v.name}`: {self.c.doc(name, 2, i)}" for i, v in enumerate(enum.value) if self.c.doc(name, 2, i)]
        text = " ".join(filter(None, [self.c.doc(name), *described]))
        if text:
            schema["description"] = text
        return schema

    def value_schema(self, field: descriptor_pb2.FieldDescriptorProto) -> dict:
        """The schema of one value of `field` (one item when repeated), without its rules."""
        if field.type == F.TYPE_MESSAGE:
            return self.message_ref(_type_name(field))
        if field.type == F.TYPE_ENUM:
            name = _type_name(field)
            key = name
            if key not in self.schemas:
                self.schemas[key] = self.enum_schema(name)
            return {"$ref": SCHEMAS + key}
        return dict(SCALARS[field.type])

    def field_schema(self, field: descriptor_pb2.FieldDescriptorProto, description: str = "") -> dict:
        rules = _rules(field)
        entry = self.c.messages.get(_type_name(field)) if field.type == F.TYPE_MESSAGE else None
        if entry is not None and entry.options.map_entry:
            key_field, value_field = entry.field
            value = self.constrained(value_field, self.value_schema(value_field), rules.map.values)
            schema: dict[str, Any] = {"type": "object", "additionalProperties": value}
            key = self.constrained(key_field, {"type": "string"}, rules.map.keys)
            if len(key) > 1:
                schema["propertyNames"] = key
            if rules.map.HasField("min_pairs"):
                schema["minProperties"] = rules.map.min_pairs
            if rules.map.HasField("max_pairs"):
                schema["maxProperties"] = rules.map.max_pairs
        elif field.label == F.LABEL_REPEATED:
            items = self.constrained(field, self.value_schema(field), rules.repeated.items)
            schema = {"type": "array", "items": items}
            if rules.repeated.HasField("min_items"):
                schema["minItems"] = rules.repeated.min_items
            if rules.repeated.HasField("max_items"):
                schema["maxItems"] = rules.repeated.max_items
            if rules.repeated.unique:
                schema["uniqueItems"] = True
        else:
            return self.constrained(field, self.value_schema(field), rules, description)
        if description:
            schema = self.describe(schema, description)
        return schema

    @staticmethod
    def describe(schema: dict, text: str) -> dict:
        if "$ref" in schema:
            schema = {"allOf": [schema]}  # a $ref's siblings are its own in 3.1, kept explicit for old readers
        schema["description"] = " ".join(filter(None, [schema.get("description", ""), text]))
        return schema

    def limits(self, field, rules: validate_pb2.FieldRules) -> tuple[dict, list[str]]:
        """The JSON Schema keywords for the protovalidate `rules` of one value of `field`, and the
        rules JSON Schema cannot say."""
        kind = rules.WhichOneof("type")
        limits: dict[str, Any] = {}
        notes: list[str] = []
        if kind == "string":
            limits, notes = _string_rules(rules.string)
        elif kind == "enum":
            enum = self.c.enums[_type_name(field)]
            allowed = list(enum.value)
            if rules.enum.HasField("const"):
                allowed = [v for v in allowed if v.number == rules.enum.const]
            if getattr(rules.enum, "in"):
                allowed = [v for v in allowed if v.number in getattr(rules.enum, "in")]
            allowed = [v for v in allowed if v.number not in rules.enum.not_in]
            if rules.required:
                allowed = [v for v in allowed if v.number != 0]
            if len(allowed) < len(enum.value):
                limits["enum"] = [v.name for v in allowed]
        elif kind in ("int32", "sint32", "sfixed32", "uint32", "fixed32", "float", "double"):
            limits, notes = _number_rules(getattr(rules, kind))
        elif kind is not None:
            notes = [f"{name} = {value}" for name, value in _set_fields(getattr(rules, kind))]
        if rules.required and field.type == F.TYPE_STRING and "minLength" not in limits:
            limits["minLength"] = 1
        for rule in rules.cel:
            matched = _CEL_MATCHES.match(rule.expression)
            if matched and "pattern" not in limits:
                limits["pattern"] = matched.group(1)
            notes.append(rule.message or rule.expression)
        return limits, notes

    def constrained(self, field, schema: dict, rules: validate_pb2.FieldRules, description: str = "") -> dict:
        """`schema` with the protovalidate `rules` of one value of `field` applied; what JSON Schema
        cannot say follows `description`."""
        if rules.ignore == validate_pb2.IGNORE_ALWAYS:
            return self.describe(schema, description) if description else schema
        limits, notes = self.limits(field, rules)
        text = " ".join(filter(None, [description, "Rules: " + ", ".join(notes) + "." if notes else ""]))
        if text:
            schema = self.describe(schema, text)
        if not limits:
            return schema
        if rules.ignore == validate_pb2.IGNORE_IF_ZERO_VALUE and not rules.required:
            return {**schema, "anyOf": [{"const": self._zero(field)}, limits]}
        if "$ref" in schema:
            return {"allOf": [schema, limits]}
        return {**schema, **limits}

    def must_be_sent(self, field: descriptor_pb2.FieldDescriptorProto) -> bool:
        """Whether a request without `field` is refused: protovalidate `required`, or rules that
        its zero value breaks (an absent proto3 scalar is its zero value)."""
        rules = _rules(field)
        if rules.required:
            return True
        if rules.ignore != validate_pb2.IGNORE_UNSPECIFIED or field.HasField("oneof_index"):
            return False  # skipped when zero, or a field with presence: rules apply only when sent
        if field.label == F.LABEL_REPEATED:
            return rules.repeated.min_items > 0 or rules.map.min_pairs > 0
        if field.type == F.TYPE_MESSAGE:
            return False
        limits, _notes = self.limits(field, rules)
        return bool(limits) and not _accepts(limits, self._zero(field))

    def _zero(self, field) -> Any:
        if field.type == F.TYPE_ENUM:
            return self.c.enums[_type_name(field)].value[0].name
        if field.type in (F.TYPE_INT64, F.TYPE_SINT64, F.TYPE_SFIXED64, F.TYPE_UINT64, F.TYPE_FIXED64):
            return "0"
        return _ZERO.get(SCALARS.get(field.type, {}).get("type"))

    # -- operations ----------------------------------------------------------------------------

    def field_by_path(self, message: str, path: str) -> descriptor_pb2.FieldDescriptorProto:
        *parents, last = path.split(".")
        for part in parents:
            message = _type_name(next(f for f in self.c.messages[message].field if f.name == part))
        return next(f for f in self.c.messages[message].field if f.name == last)

    def query_parameters(self, message: str, skip: set[str], prefix: str = "", seen=()) -> list[dict]:
        """Every field of `message` the transcoder reads from the query string, flattened."""
        found = []
        for index, field in enumerate(self.c.messages[message].field):
            name = prefix + field.name
            if name in skip:
                continue
            type_name = _type_name(field)
            nested = field.type == F.TYPE_MESSAGE and type_name not in WELL_KNOWN
            if nested and (field.label == F.LABEL_REPEATED or type_name in seen):
                continue  # repeated messages and maps cannot be spelled in a query string
            if nested:
                found += self.query_parameters(type_name, skip, name + ".", (*seen, message))
                continue
            parameter = {"name": name, "in": "query", "schema": self.field_schema(field)}
            description = self.c.doc(message, 2, index)
            if description:
                parameter["description"] = description
            if self.must_be_sent(field):
                parameter["required"] = True
            if field.label == F.LABEL_REPEATED:
                parameter.update(style="form", explode=True)
            found.append(parameter)
        return found

    def operation(self, service: str, method: descriptor_pb2.MethodDescriptorProto, doc: str,
                  verb: str, template: str, rule) -> dict:
        request, response = method.input_type.lstrip("."), method.output_type.lstrip(".")
        bound = _template_fields(template)
        public = method.options.Extensions[access_pb2.access].public
        operation: dict[str, Any] = {
            "operationId": f"{service.rsplit('.', 1)[1]}_{method.name}",
            "tags": [service.rsplit(".", 1)[1]],
            "summary": doc.split(". ")[0].rstrip("."),
            "description": doc,
            "x-grpc-method": f"/{service}/{method.name}",
        }
        parameters = []
        for path in bound:
            field = self.field_by_path(request, path)
            parameter = {"name": path, "in": "path", "required": True, "schema": self.field_schema(field)}
            *parent, _last = path.split(".")
            owner = request if not parent else _type_name(self.field_by_path(request, ".".join(parent)))
            index = [f.name for f in self.c.messages[owner].field].index(field.name)
            if self.c.doc(owner, 2, index):
                parameter["description"] = self.c.doc(owner, 2, index)
            parameters.append(parameter)
        if rule.body == "*":  # everything the path does not bind; a Body schema of its own when it binds some
            body = self.message_ref(request, tuple(bound), f"{request}.Body" if bound else None)
        elif rule.body:
            body = self.field_schema(self.field_by_path(request, rule.body))
            parameters += self.query_parameters(request, {*bound, rule.body})
        else:
            body = None
            parameters += self.query_parameters(request, set(bound))
        if parameters:
            operation["parameters"] = parameters
        if body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        json_body = method.options.Extensions[_JSON_BODY] if _JSON_BODY else ""
        operation["responses"] = {"200": self.success(response, rule.response_body, json_body)}
        if not public:
            operation["responses"]["401"] = {"$ref": "#/components/responses/Unauthenticated"}
        operation["responses"]["default"] = {"$ref": "#/components/responses/Error"}
        # Public RPCs take a token but need none (a stale one is ignored).
        operation["security"] = [{}, {"bearer": []}] if public else [{"bearer": []}]
        if public:
            operation["x-padel-public"] = True
        return operation

    def success(self, response: str, response_body: str, json_body: str = "") -> dict:
        # A google.api.HttpBody is served as its bytes under its own content type (an image, a
        # page, a JSON document): any media type, any content; or, when the RPC names the message
        # its body is the JSON of (`json_body`), that message's JSON.
        raw = {"description": "The body itself, with its own content type.", "content": {"*/*": {"schema": {}}}}
        if json_body:
            return {"description": self.c.doc(json_body) or "OK",
                    "content": {"application/json": {"schema": self.message_ref(json_body)}}}
        if response_body:
            field = self.field_by_path(response, response_body)
            if _type_name(field) == HTTP_BODY:
                return raw
            schema = self.field_schema(field)
        elif response == HTTP_BODY:
            return raw
        else:
            schema = self.message_ref(response)
        return {"description": self.c.doc(response) or "OK", "content": {"application/json": {"schema": schema}}}

    # -- the document --------------------------------------------------------------------------

    def document(self) -> dict:
        paths: dict[str, dict] = {}
        tags = []
        for file in self.c.files:
            if not file.package.startswith("padel."):
                continue
            for s_index, service in enumerate(file.service):
                full = f"{file.package}.{service.name}"
                tags.append({"name": service.name, "description": self.c.comments.get((file.name, 6, s_index), "")})
                for m_index, method in enumerate(service.method):
                    doc = self.c.comments.get((file.name, 6, s_index, 2, m_index), "")
                    rule = method.options.Extensions[annotations_pb2.http]
                    for binding in (rule, *rule.additional_bindings):
                        pattern = binding.WhichOneof("pattern")
                        if pattern in _VERBS:
                            verb, template = pattern, getattr(binding, pattern)
                        elif pattern == "custom":
                            verb, template = binding.custom.kind.lower(), binding.custom.path
                        else:
                            continue
                        path = _TEMPLATE_VARIABLE.sub(lambda m: "{" + m.group(1) + "}", template)
                        paths.setdefault(path, {})[verb] = self.operation(full, method, doc, verb, template, binding)
        self.message_ref(STATUS)
        # The edge promises both on every error, its own included (envoy/envoy.yaml local_reply_config).
        self.schemas[STATUS]["required"] = ["code", "message"]
        return {
            "openapi": OPENAPI_VERSION,
            "info": {"title": "Padel Platform API", "version": VERSION, "description": INTRODUCTION},
            "servers": [{"url": "/"}],
            "security": [{"bearer": []}],
            "tags": sorted(tags, key=lambda t: t["name"]),
            "paths": dict(sorted(paths.items())),
            "components": {
                "securitySchemes": {"bearer": {
                    "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "An access token from POST /api/auth/login (tokens.access_token), valid 15 minutes."}},
                "responses": {
                    "Error": {"description": "An error: the HTTP status is the gRPC code's (400 bad input, 403 not "
                                             "yours, 404, 409 conflict, 413, 429, 503 a dependency is down).",
                              "content": {"application/json": {"schema": {"$ref": SCHEMAS + STATUS}}}},
                    "Unauthenticated": {"description": "No access token, or an expired, revoked or bad one.",
                                        "content": {"application/json": {"schema": {"$ref": SCHEMAS + STATUS}}}},
                },
                "schemas": dict(sorted(self.schemas.items())),
            },
        }


INTRODUCTION = (
    "Court booking for padel venues in Pakistan. Generated from the protobuf contracts "
    "(protos/padel/*/v1): every route is a gRPC method that the Envoy edge transcodes to and from JSON. "
    "Field names are the proto names (snake_case); 64-bit integers are decimal strings; enums are "
    "their names; times are RFC 3339 in UTC; money is an integer amount of paisa. Lists take page_size "
    "and page_token and return next_page_token. Every error body, whether a service or the edge "
    'answered, is a google.rpc.Status: `{"code": 3, "message": "email: value must be a valid email '
    'address", "details": [...]}` with the HTTP status its gRPC code maps to.'
)


# A CEL rule `this.matches('<regex>')` (a pattern with a message of its own) is a JSON Schema
# pattern too; only a regex with no quote or backslash, so no CEL escape needs reading.
_CEL_MATCHES = re.compile(r"^this\.matches\('([^'\\]*)'\)$")


def _set_fields(rules) -> list[tuple[str, Any]]:
    return [(field.name, value) for field, value in rules.ListFields() if field.name != "example"]


def _accepts(limits: dict, value: Any) -> bool:
    """Whether `value` (a field's zero value) meets the JSON Schema `limits` made from its rules."""
    if "const" in limits and limits["const"] != value:
        return False
    if value in limits.get("not", {}).get("enum", []) or ("enum" in limits and value not in limits["enum"]):
        return False
    if isinstance(value, str):
        return (len(value) >= limits.get("minLength", 0) and "format" not in limits
                and re.search(limits.get("pattern", ""), value) is not None)
    return (value >= limits.get("minimum", value) and value <= limits.get("maximum", value)
            and value > limits.get("exclusiveMinimum", value - 1) and value < limits.get("exclusiveMaximum", value + 1))


def _string_rules(rules: validate_pb2.StringRules) -> tuple[dict, list[str]]:
    limits: dict[str, Any] = {}
    notes = []
    for name, value in _set_fields(rules):
        if name == "min_len":
            limits["minLength"] = value
        elif name == "max_len":
            limits["maxLength"] = value
        elif name == "len":
            limits["minLength"] = limits["maxLength"] = value
        elif name == "pattern":
            limits["pattern"] = value
        elif name == "const":
            limits["const"] = value
        elif name == "in":
            limits["enum"] = list(value)
        elif name == "not_in":
            limits["not"] = {"enum": list(value)}
        elif name in ("uuid", "email", "hostname", "ipv4", "ipv6", "uri") and value:
            limits["format"] = name
        elif name == "prefix" and "pattern" not in limits:
            limits["pattern"] = "^" + re.escape(value)
        else:
            notes.append(f"{name} = {json.dumps(value) if isinstance(value, str) else value}")
    return limits, notes


def _number_rules(rules) -> tuple[dict, list[str]]:
    limits: dict[str, Any] = {}
    notes = []
    names = {"gt": "exclusiveMinimum", "gte": "minimum", "lt": "exclusiveMaximum", "lte": "maximum", "const": "const"}
    for name, value in _set_fields(rules):
        if name in names:
            limits[names[name]] = value
        elif name == "in":
            limits["enum"] = list(value)
        elif name == "not_in":
            limits["not"] = {"enum": list(value)}
        else:
            notes.append(f"{name} = {value}")
    return limits, notes


def document(descriptor: pathlib.Path) -> dict:
    """The OpenAPI document of every REST binding in a descriptor set (built with source info)."""
    files = list(descriptor_pb2.FileDescriptorSet.FromString(pathlib.Path(descriptor).read_bytes()).file)
    return Builder(Contracts(files)).document()


def write(descriptor: pathlib.Path, out: pathlib.Path) -> None:
    out.write_text(json.dumps(document(descriptor), indent=1, ensure_ascii=False) + "\n")
