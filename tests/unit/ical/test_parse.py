"""parse_feed on small hand-made feeds: types, flags, bad events, hostile rules and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kara_tui.ical.parse import FeedUnreadable, Occurrence, ParseResult, parse_feed

WINDOW = {
    "window_start": datetime(2025, 1, 1, tzinfo=UTC),
    "window_end": datetime(2026, 4, 1, tzinfo=UTC),
}


def feed(*events: str, head: str = "") -> bytes:
    body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + head
    for event in events:
        body += "BEGIN:VEVENT\r\n" + event.strip().replace("\n", "\r\n") + "\r\nEND:VEVENT\r\n"
    return (body + "END:VCALENDAR\r\n").encode()


def parse(body: bytes, **kwargs: object) -> ParseResult:
    return parse_feed(body, **{**WINDOW, **kwargs})  # type: ignore[arg-type]


def only(result: ParseResult) -> Occurrence:
    assert len(result.occurrences) == 1, result
    return result.occurrences[0]


def test_timed_event_is_utc_and_flags_default() -> None:
    result = parse(
        feed(
            """
UID:a@test
DTSTART;TZID=Europe/Berlin:20250301T100000
DTEND;TZID=Europe/Berlin:20250301T110000
SUMMARY:Team\\, weekly
LOCATION:Room 1
"""
        ),
    )
    occurrence = only(result)
    assert occurrence.start == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert occurrence.end == datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    assert occurrence.start.tzinfo is UTC  # type: ignore[union-attr]
    assert (occurrence.summary, occurrence.location) == ("Team, weekly", "Room 1")
    assert (occurrence.recurrence_id, occurrence.all_day, occurrence.busy) == ("", False, True)
    assert not occurrence.cancelled
    assert result.event_count == 1


def test_all_day_events_stay_dates() -> None:
    occurrence = only(
        parse(feed("UID:d@test\nDTSTART;VALUE=DATE:20250505\nDTEND;VALUE=DATE:20250507\n"))
    )
    assert occurrence.all_day
    assert type(occurrence.start) is date and type(occurrence.end) is date
    assert (occurrence.start, occurrence.end) == (date(2025, 5, 5), date(2025, 5, 7))


def test_transparent_and_cancelled_are_flagged() -> None:
    result = parse(
        feed(
            "UID:t@test\nDTSTART:20250301T100000Z\nTRANSP:TRANSPARENT\n",
            "UID:c@test\nDTSTART:20250302T100000Z\nSTATUS:CANCELLED\n",
        )
    )
    by_uid = {o.uid: o for o in result.occurrences}
    assert by_uid["t@test"].busy is False
    assert by_uid["c@test"].cancelled is True


def test_control_characters_are_stripped_and_newlines_become_spaces() -> None:
    occurrence = only(
        parse(feed("UID:x@test\nDTSTART:20250301T100000Z\nSUMMARY:Hi\\nthere\x07\x1b[31m red\n"))
    )
    assert occurrence.summary == "Hi there [31m red"


def test_recurring_instances_have_recurrence_ids_and_overrides_win() -> None:
    result = parse(
        feed(
            "UID:w@test\nDTSTART:20250106T090000Z\nDTEND:20250106T100000Z\n"
            "RRULE:FREQ=WEEKLY;COUNT=3\nSUMMARY:Weekly\n",
            "UID:w@test\nRECURRENCE-ID:20250113T090000Z\nDTSTART:20250114T150000Z\n"
            "DTEND:20250114T160000Z\nSUMMARY:Moved\n",
            "UID:w@test\nRECURRENCE-ID:20250120T090000Z\nDTSTART:20250120T090000Z\n"
            "STATUS:CANCELLED\nSUMMARY:Weekly\n",
        )
    )
    got = {o.recurrence_id: (o.start, o.summary, o.cancelled) for o in result.occurrences}
    assert got == {
        "20250106T090000Z": (datetime(2025, 1, 6, 9, tzinfo=UTC), "Weekly", False),
        "20250113T090000Z": (datetime(2025, 1, 14, 15, tzinfo=UTC), "Moved", False),
        "20250120T090000Z": (datetime(2025, 1, 20, 9, tzinfo=UTC), "Weekly", True),
    }
    assert len({o.component_hash for o in result.occurrences}) == 1


def test_all_day_series_use_date_recurrence_ids() -> None:
    result = parse(feed("UID:a@test\nDTSTART;VALUE=DATE:20250101\nRRULE:FREQ=DAILY;COUNT=2\n"))
    assert [o.recurrence_id for o in result.occurrences] == ["20250101", "20250102"]


def test_component_hash_ignores_dtstamp_but_not_content() -> None:
    base = "UID:h@test\nDTSTART:20250301T100000Z\nSUMMARY:A\n"
    first = only(parse(feed(base + "DTSTAMP:20250101T000000Z"))).component_hash
    again = only(parse(feed(base + "DTSTAMP:20250909T000000Z"))).component_hash
    changed = only(parse(feed(base.replace(":A", ":B")))).component_hash
    assert first == again != changed


def test_one_bad_event_is_skipped_and_reported_the_rest_import() -> None:
    result = parse(
        feed(
            "UID:good@test\nDTSTART:20250301T100000Z\n",
            "UID:bad@test\nDTSTART:Next Year\n",
            "UID:good2@test\nDTSTART:20250302T100000Z\n",
        )
    )
    assert {o.uid for o in result.occurrences} == {"good@test", "good2@test"}
    assert [p.uid for p in result.problems] == ["bad@test"]
    assert "Next Year" in result.problems[0].reason


def test_events_outside_the_window_are_left_out() -> None:
    result = parse(feed("UID:old@test\nDTSTART:20200101T100000Z\n"))
    assert result.occurrences == []
    assert result.event_count == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "web page"),
        (b"\x00\x01garbage\xff" * 100, "not an iCalendar"),
        (feed("UID:a@test\nDTSTART:20250301T100000Z\n")[:90], "stops in the middle"),
    ],
)
def test_unreadable_bodies_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(FeedUnreadable, match=reason):
        parse(body)


def test_windows_and_outlook_zone_names_map_to_iana() -> None:
    result = parse(
        feed(
            "UID:w@test\nDTSTART;TZID=W. Europe Standard Time:20250301T100000\n",
            "UID:e@test\nDTSTART;TZID=Eastern Standard Time:20250301T100000\n",
            "UID:g@test\nDTSTART;TZID=GMT Standard Time:20250601T100000\n",
            'UID:o@test\nDTSTART;TZID="(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, '
            'Vienna":20250301T100000\n',
        )
    )
    starts = {o.uid: o.start for o in result.occurrences}
    assert starts == {
        "w@test": datetime(2025, 3, 1, 9, tzinfo=UTC),
        "e@test": datetime(2025, 3, 1, 15, tzinfo=UTC),
        "g@test": datetime(2025, 6, 1, 9, tzinfo=UTC),
        "o@test": datetime(2025, 3, 1, 9, tzinfo=UTC),
    }


def test_unknown_zone_uses_default_zone_and_is_reported() -> None:
    result = parse(
        feed("UID:u@test\nDTSTART;TZID=LOLOLOL:20250601T100000\n"),
        default_tz=ZoneInfo("Europe/London"),
    )
    assert only(result).start == datetime(2025, 6, 1, 9, tzinfo=UTC)
    assert any("LOLOLOL" in p.reason for p in result.problems)


def test_x_wr_timezone_reads_floating_times() -> None:
    body = feed("UID:f@test\nDTSTART:20250601T100000\n", head="X-WR-TIMEZONE:Europe/Paris\r\n")
    assert only(parse(body)).start == datetime(2025, 6, 1, 8, tzinfo=UTC)


# --- hostile input: each ends with a bounded result and a report. The bounds are counted in
# occurrences and steps, not seconds (issue 14), so these assert the bounds, never a time.


def test_secondly_rule_without_end_is_bounded() -> None:
    body = feed("UID:s@test\nDTSTART:20250101T000000Z\nRRULE:FREQ=SECONDLY\n")
    result = parse(body)
    # Issue 14 raised the per-series cap from 5,000 to 20,000 (RFC 5545's every-20-minutes
    # example has 10,944 occurrences in a sync window).
    assert len(result.occurrences) <= 20_000
    assert [p.uid for p in result.problems] == ["s@test"]


def test_secondly_rule_inside_the_window_hits_the_count_bound() -> None:
    body = feed("UID:s@test\nDTSTART:20260331T000000Z\nRRULE:FREQ=SECONDLY\n")
    result = parse(body, max_occurrences_per_series=1000)
    assert len(result.occurrences) == 1000
    assert "more than 1,000 times" in result.problems[0].reason


def test_interval_zero_is_refused_with_first_occurrence_kept() -> None:
    body = feed("UID:i@test\nDTSTART:20250301T100000Z\nRRULE:FREQ=DAILY;INTERVAL=0\n")
    result = parse(body)
    assert [o.start for o in result.occurrences] == [datetime(2025, 3, 1, 10, tzinfo=UTC)]
    assert "INTERVAL=0" in result.problems[0].reason


def test_rule_that_never_matches_is_stopped_by_the_step_bound() -> None:
    # Issue 14: work is counted in steps, not seconds, so the result is the same however
    # busy the machine is (this test used to expect the 0.5 s time bound's message).
    body = feed(
        "UID:n@test\nDTSTART:20250101T100000Z\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\n",
        "UID:ok@test\nDTSTART:20250301T100000Z\n",
    )
    result = parse(body, max_seconds_per_series=5.0)
    assert "needs more than 50,000 steps" in result.problems[0].reason
    assert "ok@test" in {o.uid for o in result.occurrences}


def test_year_9999_dates_do_not_break_the_feed() -> None:
    body = feed(
        "UID:y@test\nDTSTART:99991231T230000Z\nDTEND:99991231T235959Z\nRRULE:FREQ=HOURLY\n",
        "UID:y2@test\nDTSTART;VALUE=DATE:99991231\n",
        "UID:y3@test\nDTSTART:20250301T100000Z\nRRULE:FREQ=YEARLY;UNTIL=99991231T000000Z\n",
        "UID:ok@test\nDTSTART:20250301T100000Z\n",
    )
    result = parse(body)
    assert {o.uid for o in result.occurrences} == {"ok@test", "y3@test"}


def test_a_20_mb_line_is_dropped_quickly() -> None:
    huge = "DESCRIPTION:" + "x" * 20_000_000
    body = feed(f"UID:l@test\nDTSTART:20250301T100000Z\n{huge}\n")
    result = parse(body)
    assert only(result).uid == "l@test"
    assert any("longer than" in p.reason for p in result.problems)


@pytest.mark.slow
def test_50000_events_finish_with_every_event() -> None:
    events = [
        f"UID:e{i}@test\nDTSTART:2025{i % 12 + 1:02d}{i % 28 + 1:02d}T{i % 24:02d}0000Z\n"
        f"DTEND:2025{i % 12 + 1:02d}{i % 28 + 1:02d}T{i % 24:02d}3000Z\nSUMMARY:E{i}\n"
        for i in range(50_000)
    ]
    result = parse(feed(*events))
    assert result.event_count == 50_000
    assert len(result.occurrences) == 50_000


# --- DST: RFC 5545 3.3.5 reads a nonexistent local time with the offset before the gap
# (so it lands one gap later on the wall clock) and an ambiguous one as its first instance.

DST_CASES = [
    # zone, local time, the instants of the weekly instances around spring and autumn changes
    (
        "Europe/London",
        "013000",
        # spring 2025-03-30 01:30 does not exist -> 01:30 GMT (= 02:30 BST);
        # autumn 2025-10-26 01:30 happens twice -> the first (BST)
        ["2025-03-23T01:30", "2025-03-30T01:30", "2025-04-06T00:30"],
        ["2025-10-19T00:30", "2025-10-26T00:30", "2025-11-02T01:30"],
    ),
    (
        "Europe/London",
        "023000",
        ["2025-03-23T02:30", "2025-03-30T01:30", "2025-04-06T01:30"],
        ["2025-10-19T01:30", "2025-10-26T02:30", "2025-11-02T02:30"],
    ),
    (
        "America/New_York",
        "013000",
        ["2025-03-02T06:30", "2025-03-09T06:30", "2025-03-16T05:30"],
        ["2025-10-26T05:30", "2025-11-02T05:30", "2025-11-09T06:30"],
    ),
    (
        "America/New_York",
        "023000",
        # spring 2025-03-09 02:30 does not exist -> 02:30 EST = 07:30Z (03:30 EDT)
        ["2025-03-02T07:30", "2025-03-09T07:30", "2025-03-16T06:30"],
        ["2025-10-26T06:30", "2025-11-02T07:30", "2025-11-09T07:30"],
    ),
]


@pytest.mark.parametrize(("zone", "local", "spring", "autumn"), DST_CASES)
def test_weekly_events_across_dst_land_at_the_right_instants(
    zone: str, local: str, spring: list[str], autumn: list[str]
) -> None:
    first_day = {"Europe/London": "20250323", "America/New_York": "20250302"}[zone]
    body = feed(
        f"UID:dst@test\nDTSTART;TZID={zone}:{first_day}T{local}\n"
        f"DTEND;TZID={zone}:{first_day}T{local[:2]}4500\nRRULE:FREQ=WEEKLY\n"
    )
    starts = {o.start.strftime("%Y-%m-%dT%H:%M") for o in parse(body).occurrences}  # type: ignore[union-attr]
    assert set(spring) <= starts
    assert set(autumn) <= starts
    for occurrence in parse(body).occurrences:
        assert occurrence.end - occurrence.start == timedelta(minutes=15)  # type: ignore[operator]
