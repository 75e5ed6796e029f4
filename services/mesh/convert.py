"""Conversions between protobuf well-known types and Python values, the same in every service."""

import datetime as dt

from google.protobuf.timestamp_pb2 import Timestamp


def timestamp(value: dt.datetime | None) -> Timestamp | None:
    """A Timestamp for an aware datetime; None stays None, so an optional field stays unset."""
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def to_datetime(stamp: Timestamp) -> dt.datetime:
    """An aware UTC datetime for a Timestamp (times are UTC on the wire)."""
    return stamp.ToDatetime(tzinfo=dt.timezone.utc)
