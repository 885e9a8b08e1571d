"""Each edge case of issue 14 ("Feeds read as RFC 5545 says"), one named file in tests/ics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from kara_tui.ical.budget import Budget, FeedTooCostly
from kara_tui.ical.parse import FeedUnreadable, ParseResult, Problem, _once_per_kind, parse_feed

ICS = Path(__file__).resolve().parents[2] / "ics"
BERLIN = ZoneInfo("Europe/Berlin")


def parse(name: str, start: str, end: str, tz: ZoneInfo = BERLIN, **kwargs: object) -> ParseResult:
    return parse_feed(
        (ICS / name).read_bytes(),
        window_start=datetime.fromisoformat(start).replace(tzinfo=UTC),
        window_end=datetime.fromisoformat(end).replace(tzinfo=UTC),
        default_tz=tz,
        **kwargs,  # type: ignore[arg-type]
    )


def wall(value: object, tz: ZoneInfo = BERLIN) -> str:
    assert isinstance(value, datetime)
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


# -- 1. floating times -------------------------------------------------------------------


def test_floating_times_are_practice_wall_clock_in_summer_and_winter() -> None:
    result = parse("floating_one_vtimezone.ics", "2026-01-01", "2026-12-31")
    weekly = sorted(o.start for o in result.occurrences if o.uid == "weekly-floating@rfc.test")
    # 13:00 in Berlin all year round, across both daylight-saving changes: not Chicago's 13:00
    assert {wall(s)[11:] for s in weekly} == {"13:00"}
    assert wall(weekly[0]) == "2026-01-05 13:00" and weekly[0].utcoffset() is not None
    summer = next(s for s in weekly if s.month == 7)
    assert summer.astimezone(UTC).hour == 11  # CEST
    assert weekly[0].astimezone(UTC).hour == 12  # CET
    (single,) = [o for o in result.occurrences if o.uid == "single-floating@rfc.test"]
    assert wall(single.start) == "2026-07-07 13:00"
    (zoned,) = [o for o in result.occurrences if o.uid == "zoned@rfc.test"]
    assert wall(zoned.start, ZoneInfo("America/Chicago")) == "2026-07-07 09:00"
    assert not any("only time zone" in p.reason for p in result.problems)


def test_floating_times_of_the_events_calendar_keep_its_vtimezone_with_a_note() -> None:
    chicago = ZoneInfo("America/Chicago")
    result = parse("floating_one_vtimezone_events_calendar.ics", "2026-01-01", "2026-12-31")
    weekly = [o.start for o in result.occurrences if o.uid == "weekly-floating@rfc.test"]
    assert {wall(s, chicago)[11:] for s in weekly} == {"13:00"}
    (single,) = [o for o in result.occurrences if o.uid == "single-floating@rfc.test"]
    assert wall(single.start, chicago) == "2026-07-07 13:00"
    notes = [p.reason for p in result.problems if not p.uid]
    assert any("America/Chicago" in n and "ECPv6.3.3" in n for n in notes)


def reference(name: str, start: str, end: str) -> set[tuple[str, datetime]]:
    """(UID, start in UTC) of every occurrence recurring-ical-events finds, for comparison."""
    calendar = Calendar.from_ical((ICS / name).read_bytes())
    window = (
        datetime.fromisoformat(start).replace(tzinfo=UTC),
        datetime.fromisoformat(end).replace(tzinfo=UTC),
    )
    return {
        (str(o["UID"]), o["DTSTART"].dt.astimezone(UTC))
        for o in recurring_ical_events.of(calendar).between(*window)
    }


def starts(result: ParseResult) -> set[tuple[str, datetime]]:
    return {(o.uid, o.start) for o in result.occurrences}  # type: ignore[misc]


# -- 2. dense rules over a long span ---------------------------------------------------


def test_rfc_example_every_20_minutes_since_1997_is_expanded_in_a_window_of_this_year() -> None:
    window = ("2026-08-22", "2027-11-21")  # 456 days: the sync window of the issue
    result = parse("rfc5545_every_20_minutes.ics", *window)
    assert not result.problems
    assert len(result.occurrences) == 10_944
    assert starts(result) == reference("rfc5545_every_20_minutes.ics", *window)
    # Started near the window, not walked from 1997: a share of 1,000 steps is plenty.
    small = parse("rfc5545_every_20_minutes.ics", *window, budget=Budget(series_steps=1_000))
    assert starts(small) == starts(result) and not small.problems


def test_a_series_cut_by_its_share_keeps_what_it_found_and_says_where_it_stopped() -> None:
    result = parse(
        "rfc5545_every_20_minutes.ics", "2026-08-22", "2027-11-21", budget=Budget(series_steps=100)
    )
    found = sorted(o.start for o in result.occurrences)  # type: ignore[type-var]
    assert 0 < len(found) < 10_944
    (problem,) = result.problems
    assert problem.uid == "every-20-minutes@rfc.test"
    assert "more than 100 steps" in problem.reason
    assert f"{len(found):,} occurrences up to {found[-1]:%Y-%m-%d}" in problem.reason


def test_a_feed_over_its_whole_budget_is_unreadable_with_the_reason() -> None:
    with pytest.raises(FeedUnreadable, match="more than 50 steps"):
        parse("rfc5545_every_20_minutes.ics", "2026-08-22", "2027-11-21", budget=Budget(steps=50))
    with pytest.raises(FeedUnreadable, match="more than 100 occurrences"):
        parse(
            "rfc5545_every_20_minutes.ics",
            "2026-08-22",
            "2027-11-21",
            budget=Budget(occurrences=100),
        )


# -- 3. COUNT bounds rules with BYxxx parts ----------------------------------------------


def test_finite_secondly_rules_with_by_parts_are_expanded_whole() -> None:
    window = ("2026-11-01", "2027-03-01")
    result = parse("finite_secondly_rules_with_byparts.ics", *window)
    assert not result.problems
    assert starts(result) == reference("finite_secondly_rules_with_byparts.ics", *window)
    first = sorted(s for u, s in starts(result) if u == "finite-secondly-1@rfc.test")
    # DTSTART, then three seconds of 06:06 (SECONDLY: each second of the matching minutes)
    assert [f"{s:%H:%M:%S}" for s in first] == ["00:00:00", "06:06:00", "06:06:01", "06:06:02"]


# -- 4. repairs that say what they did -------------------------------------------------


def test_an_unreadable_dtend_uses_duration_or_keeps_the_event_busy_for_an_hour() -> None:
    result = parse("unreadable_dtend.ics", "2026-11-01", "2027-01-01")
    by_uid = {o.uid: o for o in result.occurrences}
    meeting = by_uid["bad-dtend@rfc.test"]
    assert meeting.busy and meeting.end - meeting.start == timedelta(hours=1)  # type: ignore[operator]
    intake = by_uid["bad-dtend-duration@rfc.test"]
    assert intake.end - intake.start == timedelta(minutes=45)  # type: ignore[operator]
    notes = {p.uid: p.reason for p in result.problems}
    assert "length is unknown" in notes["bad-dtend@rfc.test"]
    assert "busy for 1 hour" in notes["bad-dtend@rfc.test"]
    assert "DURATION was used" in notes["bad-dtend-duration@rfc.test"]


# -- 6. a budget per feed, problems once per kind ------------------------------------------


def _calendar(*blocks: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        + "".join(blocks)
        + "END:VCALENDAR\r\n"
    ).encode()


_EVENT = (
    "BEGIN:VEVENT\r\nUID:copy@rfc.test\r\nDTSTAMP:2026110{stamp}T000000Z\r\n"
    "DTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:Copy\r\nEND:VEVENT\r\n"
)


def _window(body: bytes) -> ParseResult:
    return parse_feed(
        body,
        window_start=datetime(2026, 9, 1, tzinfo=UTC),
        window_end=datetime(2027, 9, 1, tzinfo=UTC),
    )


def test_exact_copies_of_an_event_are_read_once_and_said_once() -> None:
    body = _calendar(*(_EVENT.format(stamp=i % 9 + 1) for i in range(5_000)))  # DTSTAMPs differ
    result = _window(body)
    assert [o.uid for o in result.occurrences] == ["copy@rfc.test"]
    assert result.event_count == 5_000
    assert [p.reason for p in result.problems] == [
        "imported, but 4,999 exact copies of this event were ignored"
    ]


def _zone(tzid: str) -> str:
    return (
        f"BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    )


def test_repeated_vtimezones_are_read_once_and_thousands_of_zones_are_refused() -> None:
    repeated = _calendar(*(_zone("Office") for _ in range(3_000)), _EVENT.format(stamp=1))
    assert len(_window(repeated).occurrences) == 1
    flood = _calendar(*(_zone(f"Zone {i}") for i in range(1_001)), _EVENT.format(stamp=1))
    with pytest.raises(FeedUnreadable, match="more than 1,000 time zones"):
        _window(flood)


def test_the_same_problem_is_one_row_with_a_count() -> None:
    problems = [Problem("u", "a duplicate of occurrence 1 was ignored")] * 3 + [Problem("v", "x")]
    assert _once_per_kind(problems) == [
        Problem("u", "a duplicate of occurrence 1 was ignored (3 times)"),
        Problem("v", "x"),
    ]


def test_an_override_with_an_unreadable_recurrence_id_is_said_and_the_series_kept() -> None:
    result = parse("broken_recurrence_id.ics", "2026-11-01", "2027-01-01")
    assert sorted(o.recurrence_id for o in result.occurrences) == [
        "20261201T100000Z",
        "20261208T100000Z",
        "20261215T100000Z",
        "20261222T100000Z",
    ]
    (problem,) = result.problems
    assert problem.uid == "weekly-moved@rfc.test"
    assert "RECURRENCE-ID could not be read" in problem.reason
    assert "2026-12-09 15:00" in problem.reason and "usual time" in problem.reason


def test_a_broken_line_is_skipped_not_glued_onto_a_uid_or_a_start() -> None:
    result = parse("unfolded_broken_lines.ics", "2026-11-01", "2027-01-01")
    by_uid = {o.uid: o for o in result.occurrences}
    readable = by_uid["glued-uid@rfc.test"]
    assert (wall(readable.start, UTC), wall(readable.end, UTC)) == (
        "2026-12-01 10:00",
        "2026-12-01 11:00",
    )  # type: ignore[arg-type]
    # a value broken without its fold space is still mended when the result is a value
    assert wall(by_uid["folded-without-space@rfc.test"].start, UTC) == "2026-12-02 10:00"  # type: ignore[arg-type]
    (note,) = result.problems  # said about the event the lines were in
    assert note.uid == "glued-uid@rfc.test"
    assert note.reason.startswith("imported, but 2 broken line(s) were skipped")


def test_a_feed_over_its_memory_share_is_unreadable_with_the_reason() -> None:
    budget = Budget(memory_bytes=0)
    if budget._base is None:
        pytest.skip("this system does not say the process's memory cheaply")
    big = bytearray(64 * 1024 * 1024)  # the process grows past a share of nothing
    with pytest.raises(FeedTooCostly, match="more than 0 MB of memory"):
        budget.check_memory()
    del big
