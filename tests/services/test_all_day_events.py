"""A holiday feed's all-day events block time only when their feed is set to: the rule is the
policy's (event_blocks), and the Practice, the calendar's page and the quick reads agree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from feedkit import MemoryKeyring
from kara_tui.config import Settings
from kara_tui.db.quick_reads import QuickReader
from kara_tui.policy.conflicts import ConflictKind, event_blocks, takes_whole_days
from kara_tui.services.feeds import Feeds
from kara_tui.services.practice import Practice
from kara_tui.ui.calendar_data import View, load, span_for

# Thursday 19 November 2026 is a holiday (DATE values); Friday 20 is one as Google's old
# holiday feeds write it: midnight in their own zone, 24 hours, TENTATIVE, OPAQUE.
HOLIDAYS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//kara-tui tests//EN\r
BEGIN:VEVENT\r
UID:thanks@holidays\r
DTSTAMP:20261101T000000Z\r
DTSTART;VALUE=DATE:20261119\r
DTEND;VALUE=DATE:20261120\r
SUMMARY:Holiday Thursday\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:friday@holidays\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=America/Los_Angeles:20261120\r
DURATION:PT86400S\r
STATUS:TENTATIVE\r
TRANSP:OPAQUE\r
SUMMARY:Holiday Friday\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:meeting@holidays\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261118T150000Z\r
DTEND:20261118T160000Z\r
SUMMARY:A timed busy event\r
END:VEVENT\r
END:VCALENDAR\r
"""


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def world(practice: Practice, tmp_path: Path, db_url: str):
    path = tmp_path / "holidays.ics"
    path.write_text(HOLIDAYS, encoding="utf-8")
    feeds = Feeds(practice, Settings(path=tmp_path / "config.toml"), keyring=MemoryKeyring())
    feeds.add("Holidays", str(path))
    (report,) = feeds.sync("Holidays")
    assert not report.problems and report.added == 3, report
    anna = practice.add_client("Anna Smith")
    ids = {
        "thursday": practice.book(anna.id, at(19, 10), force=True).id,
        "friday": practice.book(anna.id, at(20, 10), force=True).id,
        "meeting": practice.book(anna.id, at(18, 15), force=True).id,
    }
    reader = QuickReader.open(db_url)
    assert reader is not None
    yield practice, feeds, reader, ids
    reader.close()


def _conflicts_everywhere(practice: Practice, reader: QuickReader) -> set[int]:
    """The sessions of the week in conflict with a feed event, read every way there is."""
    span = span_for(View.WEEK, date(2026, 11, 18))
    page = load(practice, span, practice.clock)
    assert load(reader, span, practice.clock) == page
    week = (at(16, 0), at(23, 0))
    assert practice.sessions_overlapping_busy_events(*week) == page.conflicts
    return set(page.conflicts)


def _external(practice: Practice, day: int) -> list[str]:
    found = practice.check_slot(at(day, 12), at(day, 13))
    return [c.message for c in found if c.kind is ConflictKind.EXTERNAL]


def test_all_day_events_do_not_conflict_unless_the_feed_blocks_them(world) -> None:
    practice, feeds, reader, ids = world
    assert not feeds.get("Holidays").block_all_day  # the default
    assert _conflicts_everywhere(practice, reader) == {ids["meeting"]}
    assert _external(practice, 19) == [] and _external(practice, 20) == []

    feeds.set_block_all_day("Holidays", True)
    assert _conflicts_everywhere(practice, reader) == set(ids.values())
    assert _external(practice, 19) == ["overlaps busy event 'Holiday Thursday'"]
    assert _external(practice, 20) == ["overlaps busy event 'Holiday Friday'"]


def test_the_rule_reads_dates_and_whole_day_durations_as_all_day() -> None:
    assert takes_whole_days(date(2026, 11, 19), date(2026, 11, 20))
    assert takes_whole_days(at(20, 8), at(21, 8))  # PT86400S from another zone's midnight
    assert takes_whole_days(at(20, 8), at(22, 8))
    assert not takes_whole_days(at(20, 8), at(20, 18))
    assert not takes_whole_days(at(20, 8), at(21, 18))  # a trip, not whole days
    timed = {"start": at(18, 15), "end": at(18, 16), "all_day": False}
    assert event_blocks(**timed, busy=True, block_all_day=False)
    assert not event_blocks(**timed, busy=False, block_all_day=True)  # free stays free
    day = {"start": date(2026, 11, 19), "end": date(2026, 11, 20), "all_day": True}
    assert not event_blocks(**day, busy=True, block_all_day=False)
    assert event_blocks(**day, busy=False, block_all_day=True)
    assert event_blocks(
        at(20, 8), at(20, 8) + timedelta(days=1), all_day=False, busy=True, block_all_day=True
    )
