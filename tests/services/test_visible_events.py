"""Practice.visible_events (the calendar's Core read) agrees with external_events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kara_tui.db.rows import ExternalEventRow, FeedRow, date_to_utc_midnight
from kara_tui.services.practice import Practice

LONDON = ZoneInfo("Europe/London")


def _add(practice: Practice, name: str, enabled: bool, events: list[dict]) -> None:
    with practice.writing() as db:
        feed = FeedRow(
            name=name,
            source="https://example.com/cal.ics",
            enabled=enabled,
            refresh_minutes=60,
            colour="#5f87af",
            last_error="",
            stale=False,
            event_count=len(events),
            created_at=practice.clock.now(),
        )
        db.add(feed)
        db.flush()
        for i, e in enumerate(events):
            all_day = not isinstance(e["start"], datetime)
            db.add(
                ExternalEventRow(
                    feed_id=feed.id,
                    uid=f"{name}-{i}@example.com",
                    recurrence_id=e.get("rid", ""),
                    start=date_to_utc_midnight(e["start"]) if all_day else e["start"],
                    end=date_to_utc_midnight(e["end"]) if all_day else e["end"],
                    all_day=all_day,
                    summary=e.get("summary", f"event {i}"),
                    location=e.get("location", ""),
                    busy=e.get("busy", True),
                    cancelled=e.get("cancelled", False),
                    component_hash="",
                )
            )


def utc(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=UTC)


def test_visible_events_are_external_events_less_the_cancelled(practice: Practice) -> None:
    _add(
        practice,
        "work",
        True,
        [
            {"start": utc(16, 9), "end": utc(16, 10), "summary": "Supervision", "location": "R1"},
            {"start": utc(16, 11), "end": utc(16, 12), "busy": False, "rid": "20261116T110000Z"},
            {"start": utc(17, 9), "end": utc(17, 10), "cancelled": True},
            {"start": date(2026, 11, 18), "end": date(2026, 11, 19), "summary": "Away"},
            {"start": utc(15, 23, 30), "end": utc(16, 0, 30)},  # crosses the range's start
            {"start": utc(22, 23, 0), "end": utc(23, 1, 0)},  # starts inside, ends after
            {"start": utc(14, 9), "end": utc(14, 10)},  # before: not shown
            {"start": date(2026, 11, 23), "end": date(2026, 11, 24)},  # after: not shown
        ],
    )
    _add(practice, "off", False, [{"start": utc(16, 9), "end": utc(16, 10)}])
    start = datetime(2026, 11, 16, tzinfo=LONDON)
    end = start + timedelta(days=7)
    expected = [e for e in practice.external_events(start, end) if not e.cancelled]
    got = practice.visible_events(start, end, LONDON)
    assert got == expected
    assert [e.summary for e in got][:2] == ["event 4", "Supervision"]
    assert {e.feed_name for e in got} == {"work"}
    away = next(e for e in got if e.summary == "Away")
    assert away.all_day and away.start == date(2026, 11, 18)
    assert practice.visible_events(start, end) == got  # the zone defaults to the practice's
