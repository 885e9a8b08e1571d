"""db/codec.py: one way to store a value, read back the same by SQLAlchemy and by sqlite3."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

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
