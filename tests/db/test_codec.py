"""db/codec.py: one way to store a value, read back the same by SQLAlchemy and by sqlite3."""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, insert

from kara_tui.db import codec
from kara_tui.db.rows import FeedRow
from kara_tui.domain import ExternalEvent

_NOW = datetime(2026, 12, 7, 9, 30, 15, 123456, tzinfo=UTC)


def test_the_codec_writes_a_time_as_sqlalchemy_stores_it_and_reads_it_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "codec.db"
    engine = create_engine(f"sqlite:///{path}")
    FeedRow.metadata.create_all(engine)
    local = _NOW.astimezone(timezone(timedelta(hours=-5)))
    with engine.begin() as conn:
        conn.execute(
            insert(FeedRow.__table__).values(
                name="Work",
                source="/nowhere.ics",
                enabled=True,
                refresh_minutes=0,
                colour="#5f87af",
                last_error="",
                stale=False,
                event_count=0,
                created_at=local,
            )
        )
    engine.dispose()
    with sqlite3.connect(path) as raw:
        (text,) = raw.execute("SELECT created_at FROM feeds").fetchone()
    raw.close()
    assert text == codec.sqlite_instant(local) == "2026-12-07 09:30:15.123456"
    assert codec.instant_from_sqlite(text) == _NOW


def test_an_all_day_date_is_kept_as_its_utc_midnight_and_read_back_as_the_date() -> None:
    day = date(2026, 12, 24)
    stored = codec.stored_instant(day)
    assert stored == datetime(2026, 12, 24, tzinfo=UTC)
    assert codec.event_value(stored, all_day=True) == day
    assert codec.event_value(stored, all_day=False) == stored
    assert codec.stored_instant(_NOW.astimezone(ZoneInfo("Asia/Tokyo"))).tzinfo is UTC


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_an_all_day_date_is_written_as_its_utc_midnight_is(day: date) -> None:
    assert codec.sqlite_date(day) == codec.sqlite_instant(codec.date_to_utc_midnight(day))


def _event(
    id_: int, uid: str, start: datetime | date, end: datetime | date, *, all_day: bool
) -> ExternalEvent:
    """A busy event of the feed 1, 'Work' (by keyword: its row fields follow the instance's)."""
    return ExternalEvent(
        id=id_,
        feed_id=1,
        feed_name="Work",
        uid=uid,
        recurrence_id="",
        start=start,
        end=end,
        all_day=all_day,
        summary="",
        location="",
        busy=True,
        cancelled=False,
    )


def test_an_external_event_knows_its_span_all_day_dates_in_the_zone_given() -> None:
    zone = ZoneInfo("Europe/Berlin")
    holiday = _event(1, "h", date(2026, 12, 24), date(2026, 12, 25), all_day=True)
    first, last = holiday.span(zone)
    assert first == datetime(2026, 12, 24, tzinfo=zone) and last == datetime(
        2026, 12, 25, tzinfo=zone
    )
    # 23:30 UTC on the 23rd is already the 24th in Berlin; 23:30 UTC on the 24th is the 25th.
    assert holiday.overlaps(datetime(2026, 12, 23, 23, 30, tzinfo=UTC), _NOW.replace(day=24), zone)
    assert not holiday.overlaps(
        datetime(2026, 12, 24, 23, 30, tzinfo=UTC), datetime(2026, 12, 25, 1, tzinfo=UTC), zone
    )
    meeting = _event(2, "m", _NOW, _NOW + timedelta(hours=1), all_day=False)
    assert meeting.span(zone) == (_NOW, _NOW + timedelta(hours=1))
    assert not meeting.overlaps(_NOW + timedelta(hours=1), _NOW + timedelta(hours=2), zone)


def test_a_stored_time_is_read_back_as_the_plain_parse_reads_it() -> None:
    """instant_from_sqlite's quick parse (the zone written after the text) against the plain
    one, on what SQLite may hold: SQLAlchemy's text, no fraction, a 'T', a date alone, an
    offset or a 'Z' of its own."""
    texts = [
        "2026-12-07 09:30:15.123456",
        "2026-12-07 09:30:15",
        "2026-12-07 09:30",
        "2026-12-07T09:30:15.123",
        "2026-12-07",
        "2026-12-07 09:30:15+01:00",
        "2026-12-07 09:30:15Z",
    ]
    for text in texts:
        value = codec.instant_from_sqlite(text)
        assert value == datetime.fromisoformat(text).replace(tzinfo=UTC), text
        assert value.tzinfo is UTC, text


def test_an_external_event_is_built_with_each_column_in_its_field() -> None:
    """codec.external_event passes the fields in their order: each column, given a value of
    its own, lands in the field of its name; the columns it reads are EXTERNAL_EVENT_COLUMNS."""
    assert {f.name for f in fields(ExternalEvent)} == {*codec.EXTERNAL_EVENT_COLUMNS, "feed_name"}
    Row = namedtuple("Row", codec.EXTERNAL_EVENT_COLUMNS)  # as the quick reads give rows
    for all_day in (False, True):
        start, end = _NOW, _NOW + timedelta(days=1, hours=2)
        row = Row(7, 3, "uid-1", "rid-1", start, end, int(all_day), "Summary", "Room", 1, 0)
        event = codec.external_event(row, feed_name="Work")
        expected = ExternalEvent(
            id=7,
            feed_id=3,
            feed_name="Work",
            uid="uid-1",
            recurrence_id="rid-1",
            start=start.date() if all_day else start,
            end=end.date() if all_day else end,
            all_day=all_day,
            summary="Summary",
            location="Room",
            busy=True,
            cancelled=False,
        )
        assert event == expected
