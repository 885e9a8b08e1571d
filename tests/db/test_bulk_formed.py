"""Bulk.insert(formed=True): rows the caller already put in stored form (db/codec.py) are
stored exactly as the rows Bulk converts itself, and as Core stores them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Table, create_engine, insert

from kara_tui.db.bulk import Bulk
from kara_tui.db.codec import sqlite_instant, stored_instant
from kara_tui.db.rows import ExternalEventRow, FeedRow

EVENTS: Table = ExternalEventRow.__table__  # type: ignore[assignment]  # a Table at run time
COLUMNS = (
    "feed_id", "uid", "recurrence_id", "start", "end", "all_day", "summary", "location",
    "busy", "cancelled", "component_hash",
)  # fmt: skip


def _feed(conn: Any, name: str) -> int:
    return int(
        conn.execute(
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
    )


def _values(feed_id: int) -> list[tuple[Any, ...]]:
    india = timezone(timedelta(hours=5, minutes=30))
    return [
        (feed_id, "a", "", datetime(2026, 11, 17, 14, 0, 0, 123456, tzinfo=UTC),
         datetime(2026, 11, 17, 16, 30, 1, 1, tzinfo=india), False, "Zürich ☕", "", True, False,
         "0" * 32),
        (feed_id, "b", "20261224", stored_instant(date(2026, 12, 24)),
         stored_instant(date(2026, 12, 25)), True, "Holiday", "Home", False, True, "1" * 32),
    ]  # fmt: skip


def _formed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return (
        *row[:3],
        sqlite_instant(row[3]),
        sqlite_instant(row[4]),
        int(row[5]),
        *row[6:8],
        int(row[8]),
        int(row[9]),
        row[10],
    )


def _stored(conn: Any, feed_id: int) -> list[tuple[Any, ...]]:
    names = ", ".join(f'"{c}"' for c in COLUMNS[1:])
    sql = f"SELECT {names} FROM external_events WHERE feed_id = ? ORDER BY uid"
    return [tuple(r) for r in conn.exec_driver_sql(sql, (feed_id,))]


def test_formed_rows_are_stored_as_converted_rows_and_core_rows(tmp_path: Any) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'bulk.db'}")
    FeedRow.metadata.create_all(engine)
    with engine.begin() as conn:
        core, converted, formed = _feed(conn, "core"), _feed(conn, "bulk"), _feed(conn, "formed")
        conn.execute(insert(EVENTS), [dict(zip(COLUMNS, v, strict=True)) for v in _values(core)])
        bulk = Bulk(conn, EVENTS)
        assert bulk.insert(COLUMNS, _values(converted)) == 2
        rows = [_formed(v) for v in _values(formed)]
        assert bulk.insert(COLUMNS, iter(rows), formed=True) == 2
        assert _stored(conn, formed) == _stored(conn, converted) == _stored(conn, core)
        with pytest.raises(ValueError, match="columns"):
            bulk.insert(COLUMNS, [rows[0][:-1]], formed=True)
    engine.dispose()


def test_formed_rows_are_refused_where_rows_go_through_core(tmp_path: Any) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'bulk.db'}")
    FeedRow.metadata.create_all(engine)
    with engine.begin() as conn:
        bulk = Bulk(conn, EVENTS)
        bulk._raw = False  # as on PostgreSQL
        with pytest.raises(ValueError, match="SQLite"):
            bulk.insert(COLUMNS, [], formed=True)
    engine.dispose()
