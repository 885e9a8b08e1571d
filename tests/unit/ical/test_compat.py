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


def test_a_zone_is_known_by_name_exactly_as_available_timezones_says(monkeypatch) -> None:
    import zoneinfo

    available = zoneinfo.available_timezones()
    odd = [
        "",
        "Europe",
        "posixrules",
        "posix/Europe/London",
        "right/UTC",
        "../zoneinfo/UTC",
        "Europe/../Europe/London",
        "Europe//London",
        "/usr/share/zoneinfo/UTC",
        "zone.tab",
        "Europe/London ",
        "Custom/Zone",
        "W. Europe Standard Time",
    ]

    def listed() -> set[str]:
        raise AssertionError("every zone file read to know one name")

    monkeypatch.setattr(zoneinfo, "available_timezones", listed)
    provider = compat._ZoneinfoByName()
    for name in sorted(available) + odd:
        assert provider.knows_timezone_id(name) is (name in available), name


def test_icalendar_reads_known_and_custom_zones_the_same_after_the_switch() -> None:
    from icalendar.timezone import tzp

    compat.know_zones_by_name()
    assert tzp.name == "zoneinfo"
    cal = Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Custom/Zone\r\nBEGIN:STANDARD\r\n"
        "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\n"
        "END:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        "DTSTART;TZID=Custom/Zone:20261201T090000\r\n"
        "DTEND;TZID=Europe/London:20261201T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    event = cal.walk("VEVENT")[0]
    assert event.decoded("DTSTART").utcoffset().total_seconds() == 3 * 3600
    assert event.decoded("DTEND").astimezone(UTC) == datetime(2026, 12, 1, 10, tzinfo=UTC)
