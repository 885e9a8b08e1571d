"""An occurrence's row as SQLite keeps it: the times in the codec's stored text, whatever
form the parser hands them over in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kara_tui.db.codec import sqlite_instant, stored_instant
from kara_tui.ical.parse import Occurrence
from kara_tui.services.feed_rows import COLUMNS, sqlite_row, sqlite_values

INDIA = timezone(timedelta(hours=5, minutes=30))


@pytest.mark.parametrize(
    ("start", "end", "all_day"),
    [
        (datetime(2026, 11, 17, 14, 0, 0, 123456, tzinfo=UTC), datetime(2026, 11, 17, 15, tzinfo=UTC), False),
        (datetime(2026, 7, 1, 10, tzinfo=ZoneInfo("Europe/London")), datetime(2026, 7, 1, 16, 30, 1, 1, tzinfo=INDIA), False),
        (datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=ZoneInfo("Europe/London")), datetime(2026, 10, 25, 2, tzinfo=UTC), False),
        (date(2026, 12, 24), date(2026, 12, 25), True),
    ],
)  # fmt: skip
def test_a_row_holds_the_stored_text_of_each_time(
    start: datetime | date, end: datetime | date, all_day: bool
) -> None:
    occ = Occurrence("u", "r", start, end, all_day, "S", None, True, False, "h")  # type: ignore[arg-type]  # a parser may leave a location out
    row = sqlite_row(7, ("u", "r"), occ)
    assert len(row) == len(COLUMNS)
    assert row == (
        7,
        "u",
        "r",
        sqlite_instant(stored_instant(start)),
        sqlite_instant(stored_instant(end)),
        int(all_day),
        "S",
        "",
        1,
        0,
        "h",
    )
    assert sqlite_values(("u", "r"), occ) == row[1:]
