"""Conversions between protobuf well-known types and Python values, the same in every service."""

import datetime as dt
import json
import re
import struct
from typing import Any

from google.api import httpbody_pb2
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
# Well-known types have JSON forms of their own (a string, a list, any object), printed as they are.
WELL_KNOWN = "google.protobuf."
# What the edge's JSON printer (protobuf's C++ json writer) escapes as \uXXXX beyond the JSON spec's
# escapes: markup and invisible or formatting characters, against script injection.
_EDGE_ESCAPED = re.compile("[<>\x7f-\x9f\u00ad\u0600-\u0603\u06dd\u070f\u17b4\u17b5\u200b-\u200f"
                           "\u2028-\u202e\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
                           "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def timestamp(value: dt.datetime | None) -> Timestamp | None:
    """A Timestamp for an aware datetime (a naive one is taken as UTC); None stays None, so an
    optional field stays unset. Plain arithmetic: `Timestamp.FromDatetime` costs several times more
    on the hot reads (availability builds two per slot)."""
    if value is None:
        return None
    since = (value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)) - EPOCH
    return Timestamp(seconds=since.days * 86400 + since.seconds, nanos=since.microseconds * 1000)


def to_datetime(stamp: Timestamp) -> dt.datetime:
    """An aware UTC datetime for a Timestamp (times are UTC on the wire)."""
    return stamp.ToDatetime(tzinfo=dt.timezone.utc)


def edge_json(message: Message) -> httpbody_pb2.HttpBody:
    """The JSON the edge's transcoder prints for `message` (envoy/envoy.yaml's print_options: proto
    field names, fields without presence always printed, enums by name, 64-bit integers as strings,
    no whitespace), byte for byte, as an HttpBody the edge passes through untouched."""
    printed = json_format.MessageToDict(message, always_print_fields_with_no_presence=True,
                                        preserving_proto_field_name=True)
    text = _json_text(_in_field_order(message.DESCRIPTOR, printed))
    return httpbody_pb2.HttpBody(content_type="application/json",
                                 data=_EDGE_ESCAPED.sub(_u_escape, text).encode())


def _u_escape(found: re.Match) -> str:
    """One character as JSON's \\uXXXX (a UTF-16 surrogate pair beyond the basic plane)."""
    point = ord(found.group())
    if point < 0x10000:
        return f"\\u{point:04x}"
    point -= 0x10000
    return f"\\u{0xd800 + (point >> 10):04x}\\u{0xdc00 + (point & 0x3ff):04x}"


class _Number(str):
    """A number's JSON text as the edge prints it, written out as is."""


def _edge_number(value: float, float32: bool = False) -> str:
    """A double as protobuf's C++ SimpleDtoa prints it (`%.15g`, or `%.17g` when that does not read
    back as the same double: 25.0 is `25`, 0.1 is `0.1`), a float as SimpleFtoa does (`%.6g`, else
    `%.9g`, read back as a float32): the edge's JSON printer prints numbers so, not as Python does."""
    if float32:
        value = _as_float32(value)
        short = f"{value:.6g}"
        return short if _as_float32(float(short)) == value else f"{value:.9g}"
    short = f"{value:.15g}"
    return short if float(short) == value else f"{value:.17g}"


def _as_float32(value: float) -> float:
    return struct.unpack("<f", struct.pack("<f", value))[0]


_FLOATING = {FieldDescriptor.TYPE_DOUBLE: False, FieldDescriptor.TYPE_FLOAT: True}


def _in_field_order(descriptor: Descriptor, printed: dict[str, Any]) -> dict[str, Any]:
    """`printed` with its keys in field-number order, as the edge prints them (json_format puts the
    fields left at their default after the set ones), and doubles and floats in the edge's digits
    (json_format's NaN and Infinity, strings, stay as they are)."""
    ordered = {}
    for field in sorted(descriptor.fields, key=lambda f: f.number):
        if field.name not in printed:
            continue
        value = printed[field.name]
        nested = field.message_type
        if nested is not None and not nested.GetOptions().map_entry and not nested.full_name.startswith(WELL_KNOWN):
            if isinstance(value, list):
                value = [_in_field_order(nested, v) if isinstance(v, dict) else v for v in value]
            elif isinstance(value, dict):
                value = _in_field_order(nested, value)
        elif field.type in _FLOATING:
            float32 = _FLOATING[field.type]
            value = ([_printed_number(v, float32) for v in value] if isinstance(value, list)
                     else _printed_number(value, float32))
        ordered[field.name] = value
    return ordered


def _printed_number(value: Any, float32: bool) -> Any:
    return _Number(_edge_number(value, float32)) if isinstance(value, (int, float)) else value


def _json_text(value: Any) -> str:
    """Compact JSON for `value`, non-ASCII left as is, numbers already printed (`_Number`) as they are."""
    if isinstance(value, _Number):
        return value
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_text(k)}:{_json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
