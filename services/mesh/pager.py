"""One pager for every list RPC: `page_size` / `page_token` in, a page and `next_page_token` out.

Paging is keyset paging done in SQL: the query is ordered by a unique key (e.g. created_at, id) and
the next page starts after the last row's key, so a page costs the same wherever it is and rows added
meanwhile are neither skipped nor repeated. The token is opaque to clients: the list's name and the
last key, base64url-encoded JSON; a token from another list or a forged one (also one whose values are
not of the key's columns' kinds) is INVALID_ARGUMENT.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

from sqlalchemy import DateTime, Integer, Select, String, TypeDecorator, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from mesh.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_page_token: str


def page_size(requested: int) -> int:
    """The size a request gets: the default for 0, never more than the cap."""
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    return value


# The widest integer both databases bind (SQLite's INTEGER, PostgreSQL's bigint).
_INT_RANGE = range(-(2**63), 2**63)


def _kind(column) -> type:
    """What a key value of `column` is: the token's value is compared with the column in SQL, where a
    value of another kind is an error of the database, not of the request."""
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, DateTime):
        return dt.datetime
    if isinstance(kind, String):
        return str
    if isinstance(kind, Integer):
        return int
    return float  # a number computed in SQL (a distance, an average)


def _decode_value(value: Any, kind: type) -> Any:
    if kind is dt.datetime and isinstance(value, dict):
        moment = dt.datetime.fromisoformat(value["t"])
        if moment.tzinfo is None:
            raise ValueError("naive time in a page token")
        return moment
    if kind is str and isinstance(value, str) and "\x00" not in value:
        return value
    if kind in (int, float) and isinstance(value, int) and not isinstance(value, bool) and value in _INT_RANGE:
        return value
    if kind is float and isinstance(value, float):
        return value
    raise ValueError("unexpected value in a page token")


def encode_token(list_name: str, key: Sequence[Any]) -> str:
    raw = json.dumps([list_name, [_encode_value(v) for v in key]], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(list_name: str, token: str, order: Sequence[Any]) -> list[Any]:
    try:
        name, key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if name != list_name or len(key) != len(order):
            raise ValueError("a token of another list")
        return [_decode_value(value, _kind(column)) for value, column in zip(key, order)]
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError):
        raise InvalidArgument.field("page_token", "not a token from a previous page of this list") from None


def page(session: Session, list_name: str, query: Select, order: Sequence[InstrumentedAttribute],
         requested_size: int, token: str, *, descending: bool = False,
         key: Callable[[Any], Sequence[Any]] | None = None) -> Page:
    """One page of `query` (a select of ORM entities), ordered by the unique key `order`.

    `key` reads a row's key; by default the `order` attributes of the selected entity.
    """
    size = page_size(requested_size)
    columns = tuple_(*order)
    query = query.order_by(*[c.desc() if descending else c.asc() for c in order]).limit(size + 1)
    if token:
        after = tuple_(*decode_token(list_name, token, order))
        query = query.where(columns < after if descending else columns > after)
    rows = list(session.scalars(query))
    if len(rows) <= size:
        return Page(rows, "")
    rows = rows[:size]
    last = rows[-1]
    values = key(last) if key is not None else [getattr(last, c.key) for c in order]
    return Page(rows, encode_token(list_name, values))
