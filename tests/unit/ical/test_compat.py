"""The private names compat.py relies on are still there: an upgrade that moves them fails here."""

from __future__ import annotations

from datetime import UTC, datetime

import recurring_ical_events
from dateutil import rrule
from icalendar import Calendar

from kara_tui.ical import compat


class _Count:
    def __init__(self) -> None:
        self.steps = 0

    def step(self) -> None:
        self.steps += 1


def test_dateutil_walks_ask_its_iterinfo_for_each_period() -> None:
    info = compat._Iterinfo  # dateutil's own class (rrule._iterinfo is ours once installed)
    assert rrule._iterinfo in (info, compat._CountingIterinfo)  # type: ignore[attr-defined]
    assert {"ydayset", "mdayset", "wdayset", "ddayset"} <= set(dir(info)) and info.__slots__
    meter = _Count()
    compat.metering(meter)
    try:
        days = list(rrule.rrule(rrule.DAILY, count=10, dtstart=datetime(2026, 1, 1)))
    finally:
        compat.metering(None)
    assert len(days) == 10 and meter.steps >= 10


def test_recurring_ical_events_keeps_each_series_rules_where_start_near_moves_them() -> None:
    calendar = Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:19970902T090000Z\r\n"
        "RRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (series,) = recurring_ical_events.of(calendar).series
    rules = series.recurrence.rrules
    assert isinstance(rules[0], rrule.rruleset) and isinstance(rules[1], rrule.rrule)
    compat.start_near(series, datetime(2026, 6, 1, tzinfo=UTC))
    moved = series.recurrence.rrules[1]
    assert moved.rule._dtstart.year == 2026 and moved.until is None
    meter = _Count()
    compat.metering(meter)
    try:
        found = list(
            series.between(datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC))
        )
    finally:
        compat.metering(None)
    assert [o.start.day for o in found] == [1, 2]
    assert meter.steps < 30  # from the moved start, not from 1997


def test_recurring_ical_events_value_helpers_and_adapter_attributes_are_where_compat_reads_them() -> (
    None
):
    for name in (
        "compare_greater",
        "convert_to_date",
        "convert_to_datetime",
        "get_any",
        "is_date",
        "time_span_contains_event",
        "to_recurrence_ids",
    ):
        assert callable(getattr(compat, name)), name
    calendar = Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260601T090000Z\r\n"
        "DURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = calendar.walk("VEVENT")
    start, end = compat.event_span(event)
    assert (end - start).total_seconds() == 3600
    (series,) = recurring_ical_events.of(calendar).series
    occurrences = list(
        series.between(datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC))
    )
    assert len(occurrences) == 2
    adapter, component = compat.occurrence_source(occurrences[1])
    assert component is event  # the component itself, not a copy
    assert adapter.this_and_future is False and adapter.move_recurrences_by is not None
