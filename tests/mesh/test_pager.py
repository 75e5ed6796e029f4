"""mesh.pager: keyset pages in SQL on SQLite and PostgreSQL — every row once, in order, across
inserts between pages; tokens from another list or forged ones are INVALID_ARGUMENT."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import MetaData, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mesh import pager
from mesh.db import Database
from mesh.errors import InvalidArgument
from mesh.sqltypes import UtcDateTime


class Base(DeclarativeBase):
    metadata = MetaData()


class Court(Base):
    __tablename__ = "courts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request):
    database = Database(request.getfixturevalue(f"{request.param}_url"))
    Base.metadata.create_all(database.engine)
    yield database
    Base.metadata.drop_all(database.engine)
    database.dispose()


def _add(database, venue_id, count, start):
    with database.session() as session:
        for n in range(count):
            # Two courts share each creation time: the id breaks the tie.
            session.add(Court(id=str(uuid.uuid4()), venue_id=venue_id, created_at=start + dt.timedelta(minutes=n // 2)))


def _walk(database, venue_id, size, descending=False):
    seen, token = [], ""
    while True:
        with database.session() as session:
            query = select(Court).where(Court.venue_id == venue_id)
            page = pager.page(session, "courts", query, [Court.created_at, Court.id], size, token,
                              descending=descending)
        seen.extend(court.id for court in page.items)
        assert len(page.items) <= size
        if not page.next_page_token:
            return seen
        token = page.next_page_token


@pytest.mark.parametrize("descending", [False, True])
def test_pages_cover_every_row_once_in_key_order(database, descending):
    venue = str(uuid.uuid4())
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc)
    _add(database, venue, 23, start)
    _add(database, str(uuid.uuid4()), 5, start)  # another venue's courts never appear
    with database.session() as session:
        expected = [c.id for c in session.scalars(select(Court).where(Court.venue_id == venue))]
        rows = {c.id: c for c in session.scalars(select(Court))}
    expected.sort(key=lambda i: (rows[i].created_at, i), reverse=descending)
    assert _walk(database, venue, 5, descending) == expected


def test_rows_added_between_pages_are_neither_skipped_nor_repeated(database):
    venue = str(uuid.uuid4())
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc)
    _add(database, venue, 6, start)
    with database.session() as session:
        first = pager.page(session, "courts", select(Court).where(Court.venue_id == venue),
                           [Court.created_at, Court.id], 3, "")
    _add(database, venue, 2, start + dt.timedelta(days=1))  # later than everything so far
    with database.session() as session:
        rest = pager.page(session, "courts", select(Court).where(Court.venue_id == venue),
                          [Court.created_at, Court.id], 10, first.next_page_token)
    ids = [c.id for c in first.items + rest.items]
    assert len(ids) == len(set(ids)) == 8 and rest.next_page_token == ""


def test_page_size_has_a_default_and_a_cap():
    assert (pager.page_size(0), pager.page_size(7), pager.page_size(10_000)) == (
        pager.DEFAULT_PAGE_SIZE, 7, pager.MAX_PAGE_SIZE)


@pytest.mark.parametrize("token", ["not base64 !", "e30", pager.encode_token("venues", ["x", "y"]),
                                   pager.encode_token("courts", ["only one"]),
                                   pager.encode_token("courts", [{"t": "2026-12-01T09:00:00"}, "id"]),
                                   # This list's name with values the database cannot compare with its key.
                                   pager.encode_token("courts", ["x", "id"]),
                                   pager.encode_token("courts", [5, "id"]),
                                   pager.encode_token("courts", [{"t": "2026-12-01T09:00:00+00:00"}, 10**40]),
                                   pager.encode_token("courts", [{"t": "2026-12-01T09:00:00+00:00"}, "a\x00b"])])
def test_a_token_of_another_list_or_a_forged_one_is_invalid_argument(database, token):
    with database.session() as session, pytest.raises(InvalidArgument) as raised:
        pager.page(session, "courts", select(Court), [Court.created_at, Court.id], 5, token)
    assert raised.value.fields == {"page_token": "not a token from a previous page of this list"}
