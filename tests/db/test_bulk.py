"""Bulk writes: on SQLite the driver gets pre-formatted rows, stored exactly as Core stores them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, insert, select, update

from kara_tui.db.bulk import DELETE_CHUNK, WRITE_CHUNK, Bulk, sqlite_instant
from kara_tui.db.rows import ExternalEventRow, FeedRow, date_to_utc_midnight
from kara_tui.db.types import UTCDateTime
from kara_tui.services import feed_rows

EVENTS = ExternalEventRow.__table__
COLUMNS = feed_rows.COLUMNS[1:]  # an occurrence's columns after feed_id
LONDON = ZoneInfo("Europe/London")
INDIA = timezone(timedelta(hours=5, minutes=30))


def _values() -> list[tuple[Any, ...]]:
    """One row per kind of value a feed stores: every column, every flag both ways."""
    return [
        # timed, UTC, with microseconds
        ("a", "", datetime(2026, 11, 17, 14, 0, 0, 123456, tzinfo=UTC),
         datetime(2026, 11, 17, 15, 0, tzinfo=UTC), False, "Meeting", "Room 1", True, False,
         "0" * 32),
        # aware in a zone with summer time, and in a fixed offset
        ("b", "20260701T090000Z", datetime(2026, 7, 1, 10, 0, tzinfo=LONDON),
         datetime(2026, 7, 1, 16, 30, 1, 1, tzinfo=INDIA), False, "Zürich ☕", "", False, True,
         "f" * 32),
        # all-day: UTC midnight of the dates
        ("c", "20261224", date_to_utc_midnight(date(2026, 12, 24)),
         date_to_utc_midnight(date(2026, 12, 25)), True, "Holiday", "", False, False, "1" * 32),
        # odd corners: a year before 1000, a leap second's neighbour, empty texts
        ("d", "", datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
         datetime(2028, 2, 29, 23, 59, 59, 999999, tzinfo=UTC), True, "", "", True, True, ""),
    ]  # fmt: skip


def _feed(conn: Any, name: str) -> int:
    return conn.execute(
        insert(FeedRow.__table__).values(
            name=name,
            source="/nowhere.ics",
            enabled=True,
            refresh_minutes=0,
            colour="#5f87af",
            last_error="",
            stale=False,
            event_count=0,
            created_at=datetime(2026, 11, 16, tzinfo=UTC),
        )
    ).inserted_primary_key[0]


def _raw(conn: Any, feed_id: int) -> list[tuple[Any, ...]]:
    """The stored values themselves, untouched by any type processing, less id and feed."""
    names = ", ".join(f'"{c}"' for c in COLUMNS)
    return [
        tuple(r)
        for r in conn.exec_driver_sql(
            f"SELECT {names} FROM external_events WHERE feed_id = ? ORDER BY uid", (feed_id,)
        )
    ]


def _orm(practice: Any, feed_id: int) -> list[tuple[Any, ...]]:
    with practice.reading() as db:
        rows = db.scalars(
            select(ExternalEventRow)
            .where(ExternalEventRow.feed_id == feed_id)
            .order_by(ExternalEventRow.uid)
        )
        return [tuple(getattr(r, c) for c in COLUMNS) for r in rows]


def test_bulk_rows_are_stored_and_read_back_exactly_like_core_rows(engine, practice) -> None:
    with engine.begin() as conn:
        by_core, by_bulk = _feed(conn, "core"), _feed(conn, "bulk")
        conn.execute(
            insert(EVENTS),
            [{"feed_id": by_core, **dict(zip(COLUMNS, v, strict=True))} for v in _values()],
        )
        bulk = Bulk(conn, EVENTS)
        assert bulk.raw  # SQLite: the driver's executemany, no Core
        assert bulk.insert(("feed_id", *COLUMNS), [(by_bulk, *v) for v in _values()]) == 4
    with engine.connect() as conn:
        assert _raw(conn, by_bulk) == _raw(conn, by_core)
        assert _raw(conn, by_bulk)[0][2:4] == (
            "2026-11-17 14:00:00.123456",
            "2026-11-17 15:00:00.000000",
        )
    read_back = _orm(practice, by_bulk)
    assert read_back == _orm(practice, by_core)
    # Aware, in UTC, the same instants as written.
    for row, written in zip(read_back, _values(), strict=True):
        assert row[2] == written[2] and row[2].tzinfo is UTC
        assert row[3] == written[3] and row[3].tzinfo is UTC
        assert row[4:9] == written[4:9] and row[:2] == written[:2]


def test_bulk_updates_match_core_updates(engine, practice) -> None:
    with engine.begin() as conn:
        by_core, by_bulk = _feed(conn, "core"), _feed(conn, "bulk")
        bulk = Bulk(conn, EVENTS)
        first = _values()
        bulk.insert(("feed_id", *COLUMNS), [(f, *v) for f in (by_core, by_bulk) for v in first])
        ids = {
            (feed, uid): row_id
            for row_id, feed, uid in conn.execute(
                select(EVENTS.c.id, EVENTS.c.feed_id, EVENTS.c.uid)
            )
        }
        # Each row takes the values of the next one (keeping its uid).
        changed = [(v[0], *w[1:]) for v, w in zip(first, first[1:] + first[:1], strict=True)]
        for values in changed:
            conn.execute(
                update(EVENTS)
                .where(EVENTS.c.id == ids[(by_core, values[0])])
                .values(dict(zip(COLUMNS[1:], values[1:], strict=True)))
            )
        assert bulk.update(
            "id", COLUMNS[1:], [(*v[1:], ids[(by_bulk, v[0])]) for v in changed]
        ) == len(changed)
    with engine.connect() as conn:
        assert _raw(conn, by_bulk) == _raw(conn, by_core)
    assert _orm(practice, by_bulk) == _orm(practice, by_core)


def test_form_is_what_read_gives_back(engine) -> None:
    with engine.begin() as conn:
        feed = _feed(conn, "f")
        bulk = Bulk(conn, EVENTS)
        bulk.insert(("feed_id", *COLUMNS), [(feed, *v) for v in _values()])
        stored = list(bulk.read(("uid", "start", "end", "busy"), EVENTS.c.feed_id == feed))
    assert sorted(stored) == sorted(
        (v[0], bulk.form("start", v[2]), bulk.form("end", v[3]), bulk.form("busy", v[7]))
        for v in _values()
    )
    assert bulk.form("uid", "x") == "x"


def test_sqlite_instant_is_sqlalchemys_text() -> None:
    processor = UTCDateTime().dialect_impl(_sqlite_dialect()).bind_processor(_sqlite_dialect())
    assert processor is not None
    for value in (v for row in _values() for v in row[2:4]):
        assert sqlite_instant(value) == processor(value)
    assert sqlite_instant(None) is None


def _sqlite_dialect() -> Any:
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect()


@pytest.mark.parametrize(
    ("column", "value", "error"),
    [
        ("start", datetime(2026, 11, 17, 14, 0), ValueError),  # naive: refused like Core does
        ("busy", "yes", TypeError),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(engine, column, value, error) -> None:
    row = dict(zip(COLUMNS, _values()[0], strict=True))
    row[column] = value
    with pytest.raises(error), engine.begin() as conn:
        feed = _feed(conn, "f")
        Bulk(conn, EVENTS).insert(("feed_id", *row), [(feed, *row.values())])
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM feeds").scalar() == 0


def test_many_rows_go_in_chunks_and_delete_in_chunks(engine) -> None:
    n = WRITE_CHUNK + DELETE_CHUNK + 7
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def rows(feed: int):  # a generator: Bulk never needs the whole list
        for i in range(n):
            yield (feed, f"u{i}", "", start + timedelta(minutes=i), start, False, "", "", True,
                   False, "")  # fmt: skip

    with engine.begin() as conn:
        feed = _feed(conn, "f")
        bulk = Bulk(conn, EVENTS)
        assert bulk.insert(("feed_id", *COLUMNS), rows(feed)) == n
        ids = [r[0] for r in bulk.read(("id",), EVENTS.c.feed_id == feed)]
        assert len(ids) == n
        assert bulk.delete("id", ids[: n - 3]) == n - 3
        assert len(list(bulk.read(("id",), EVENTS.c.feed_id == feed))) == 3


def test_a_table_with_a_type_bulk_does_not_know_goes_through_core(engine) -> None:
    meta = MetaData()
    notes = Table(
        "bulk_notes",
        meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(20)),
        Column("data", JSON),
        Column("at", UTCDateTime),
    )
    meta.create_all(engine)
    at = datetime(2026, 7, 1, 10, 0, tzinfo=LONDON)
    with engine.begin() as conn:
        bulk = Bulk(conn, notes)
        assert not bulk.raw
        assert bulk.insert(("name", "data", "at"), [("a", {"x": [1, 2]}, at), ("b", None, at)]) == 2
        bulk.update("name", ("data",), [({"y": True}, "b")])
        # What read() gives back: Core's whole binding of the value.
        core = UTCDateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
        assert core is not None and bulk.form("at", at) == core(at) == "2026-07-01 09:00:00.000000"
    with engine.connect() as conn:
        stored = conn.execute(select(notes.c.name, notes.c.data, notes.c.at).order_by(notes.c.name))
        assert [tuple(r) for r in stored] == [
            ("a", {"x": [1, 2]}, at),
            ("b", {"y": True}, at),
        ]
