"""Every file of ../shared/ical-corpus imports, and the EXPECTED.md rows that fit a window query hold.

Rows judged not applicable (and why):

* 40 (text part), 41-45 as text: they compare x-wr-timezone's serialised output line by
  line. We never serialise; instead the 6 in/out pairs must give the same occurrences, and
  the times those rows name are checked as instants.
* 51, 52: they read icalendar's parsed RDATE period list of an override whose master is
  not in the file; recurring-ical-events (and we) import such an orphan override as the
  single instance it describes, so its RDATE list is never expanded.
* 54, 55 (the raising part), 118 (ical4j's exception), 119 (ical4j's parser modes),
  38 (recurring-ical-events raising), 75 (khal raising on a VALARM): they assert a
  library's strict-mode exception. Our rule is "one bad part never sinks a feed": the
  stray line, bad rule or alarm is repaired, dropped or reported and the rest imports,
  which is what the rows below check instead. A cut-off file (118) is unreadable.
* 56, 57, 58, 60, 61 (the to_ical/errors parts): icalendar's own API (errors list,
  serialisation, VFREEBUSY parameters); we only check the events still import.
* 68: khal drops a DTSTART that its RRULE never produces. RFC 5545 leaves an
  unsynchronised DTSTART undefined; we follow recurring-ical-events, which keeps DTSTART
  as the first instance.
* 92: the series' UNTIL is before its DTSTART, so no window holds an instance; the zone
  mapping the row is about is checked directly.
* 94 ("keeps start as the raw string"): a start that is not a date cannot be stored; the
  event is skipped with a Problem that quotes it.
* 98: the four VEVENTs share one UID without RECURRENCE-ID, which RFC 5545 makes one
  event; we keep the newest (as recurring-ical-events does) and report the copies.
* 99 (the count of 10): a cap of ical-expander's test, not a property of the file.
* 113: the row is ics-parser's raw string; we check the event imports.
* 120-127: the Radicale files are not in the corpus folder (GPL, see README.md).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from corpus_helpers import CORPUS, at, corpus_files, day, instant, local, query, result

from kara_tui.ical.parse import FeedUnreadable, parse_feed
from kara_tui.ical.zones import to_iana

if not CORPUS.is_dir():
    pytest.skip(f"the iCalendar corpus is not at {CORPUS}", allow_module_level=True)

PRIE = "python-recurring-ical-events/"
WIDE = {"window_start": at("1990-01-01"), "window_end": at("2035-01-01")}


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_file_imports_or_is_unreadable_with_a_reason(path: Path) -> None:
    try:
        parsed = parse_feed(path.read_bytes(), **WIDE)
    except FeedUnreadable as error:
        assert str(error), "an unreadable feed must say why"
        return
    for problem in parsed.problems:
        assert problem.reason
    for occurrence in parsed.occurrences:
        assert type(occurrence.start) is type(occurrence.end)
        assert occurrence.end >= occurrence.start  # type: ignore[operator]


def test_corpus_is_complete() -> None:
    """README.md counts 148 files including the 7 Radicale ones that are not shipped."""
    assert len(corpus_files()) == 148 - 7


def summaries(occurrences: list) -> list[str]:  # type: ignore[type-arg]
    return [o.summary for o in occurrences]


# --- python-recurring-ical-events rows (windows read as the event's wall clock) ---


def test_row_01_germany_mothers_day() -> None:
    found = day(PRIE + "Germany.ics", "2014-05-11")
    assert summaries(found) == ["Germany: Mother's Day [Not a public holiday]"]
    assert found[0].all_day


@pytest.mark.parametrize("tz", ["Europe/Berlin", "Asia/Ho_Chi_Minh", "America/Panama"])
def test_row_02_all_day_new_year_matches_in_every_zone(tz: str) -> None:
    assert len(query(PRIE + "Germany.ics", "2019-01-01T00:00", "2019-01-01T01:00", tz)) == 1


def test_row_03_german_holidays_2020() -> None:
    assert len(query(PRIE + "Germany_Holidays.ics", "2020-01-01", "2021-01-01")) == 17


MACHBAR = PRIE + "machbar_16_feb_2019.ics"
ON_TOUR = [
    "2018-09-22",
    "2018-10-20",
    "2018-11-17",
    "2018-12-08",
    "2019-01-12",
    "2019-01-27",
    "2019-02-09",
    "2019-02-24",
    "2019-03-23",
    "2019-04-27",
    "2019-05-25",
    "2019-06-22",
]


@pytest.mark.parametrize("when", ON_TOUR)
def test_row_04_machbar_on_tour_days(when: str) -> None:
    assert len(day(MACHBAR, when, "Europe/Berlin")) == 1


def test_row_05_machbar_no_more_on_tour_events() -> None:
    for year, month in [(2018, m) for m in range(9, 13)] + [(2019, m) for m in range(1, 8)]:
        end = f"{year + (month == 12)}-{month % 12 + 1:02d}-01"
        found = query(MACHBAR, f"{year}-{month:02d}-01", end, "Europe/Berlin")
        expected = sum(1 for d in ON_TOUR if d.startswith(f"{year}-{month:02d}"))
        assert sum("mB-onTour" in o.summary for o in found) == expected, (year, month)


def test_row_06_machbar_wall_clock_across_dst() -> None:
    uid = "7uartkcnhf0elbvs8md0itrf6c@google.com"
    for when, expected in [("2019-03-20", "2019-03-20T19:00"), ("2019-04-24", "2019-04-24T19:00")]:
        found = [o for o in day(MACHBAR, when, "Europe/Berlin") if o.uid == uid]
        assert [local(o.start, "Europe/Berlin") for o in found] == [expected]


def test_row_07_override_without_master_is_kept() -> None:
    uid = "_6krj2dhl74q34b9j60sj4b9k8h238b9p6gok2ba68gojgchl6cpj0h1o88_R20231009T130000@google.com"
    found = [
        o
        for o in day(PRIE + "issue_173_only_modifications_error.ics", "2024-01-08", "Europe/Paris")
        if o.uid == uid
    ]
    assert [(o.recurrence_id, local(o.start, "Europe/Paris")) for o in found] == [
        ("20240108T140000Z", "2024-01-08T17:00")
    ]


def test_rows_08_09_outlook_biweekly_with_moved_instance() -> None:
    name = PRIE + "issue_28_rrule_with_UTC_endinginZ.ics"
    assert len(query(name, "2020-05-25", "2020-09-05", "Europe/London")) == 15
    assert len(query(name, "2020-09-03", "2020-09-05", "Europe/London")) == 1


@pytest.mark.parametrize("name", ["issue_27_t1.ics", "issue_27_t2.ics"])
def test_rows_10_11_until_and_exdate(name: str) -> None:
    assert len(query(PRIE + name, "2020-04-25", "2020-04-30", "Europe/Berlin")) == 2


def test_row_12_exdates_across_dst() -> None:
    name = PRIE + "issue_20_exdate_ignored.ics"
    found = query(name, "2019-01-01", "2021-01-01", "Europe/Berlin")
    days = sorted(local(o.start, "Europe/Berlin")[:10] for o in found)
    assert days == [
        "2019-10-29",
        "2019-11-12",
        "2019-12-10",
        "2020-01-07",
        "2020-01-14",
        "2020-01-21",
        "2020-01-28",
    ]


def test_row_13_rdate_on_until_counted_once() -> None:
    assert len(day(PRIE + "rdate_falls_on_rrule_until.ics", "2020-02-04", "Europe/Berlin")) == 1


def test_row_14_dst_between() -> None:
    name = PRIE + "issue_48_dst.ics"
    assert len(query(name, "2020-12-11T10:00", "2020-12-11T15:00", "America/Chicago")) == 3


@pytest.mark.parametrize(
    ("clock", "count"),
    [("11:15", 0), ("11:31", 1), ("12:00", 1), ("12:01", 1), ("12:59", 1), ("13:01", 0)],
)
def test_row_15_weekly_series_keeps_wall_clock_in_winter(clock: str, count: int) -> None:
    name = PRIE + "issue_48_daylight_aware_repeats.ics"
    start = at(f"2020-11-02T{clock}", "Europe/Lisbon")
    end = (start + timedelta(seconds=1)).isoformat()[:19]
    found = query(name, start.isoformat()[:19], end, "Europe/Lisbon")
    assert [o.uid for o in found] == ["EVENT2"] * count


def test_row_16_moved_last_friday() -> None:
    name = PRIE + "issue_62_moved_event.ics"
    assert len(day(name, "2021-12-31", "Europe/Berlin")) == 0
    assert len(day(name, "2021-12-17", "Europe/Berlin")) == 1
    assert len(query(name, "2021-12-01", "2022-01-01", "Europe/Berlin")) == 1


def test_row_17_moved_timed_and_all_day_instances() -> None:
    name = PRIE + "issue_62_moved_event_2.ics"
    tz = "Australia/Sydney"
    assert len(query(name, "2023-08-01", "2023-09-01", tz)) == 6
    for when, summary in [
        ("2023-08-10", "All Day"),
        ("2023-08-16", "All Day"),
        ("2023-08-24", "All Day"),
        ("2023-08-08", "Datetime"),
        ("2023-08-14", "Datetime"),
        ("2023-08-22", "Datetime"),
    ]:
        assert summaries(day(name, when, tz)) == [summary], when
    assert day(name, "2023-08-15", tz) == day(name, "2023-08-17", tz) == []


def test_row_18_all_day_event_on_one_day_only() -> None:
    name = PRIE + "issue_44_double_event.ics"
    counts = [
        len(day(name, d, "Europe/London")) for d in ("2020-08-13", "2020-08-14", "2020-08-15")
    ]
    assert counts == [0, 1, 0]


def test_row_19_confluence_all_day_event() -> None:
    name = PRIE + "issue_61_time_zone_error.ics"
    found = query(name, "2021-12-15T17:41:01", "2021-12-15T17:41:02", "America/Los_Angeles")
    assert len(found) == 1 and found[0].all_day


def test_rows_20_21_until_oddities() -> None:
    assert query(PRIE + "issue_117_until_before_dtstart.ics", "1990-01-01", "2035-01-01") == []
    assert len(query(PRIE + "issue_128_only_first_event.ics", "1990-01-01", "2035-01-01")) == 7


def test_row_22_last_instance_not_dropped() -> None:
    found = query(
        PRIE + "issue_107_omitting_last_event.ics",
        "2023-01-30",
        "2024-01-30",
        "America/Los_Angeles",
    )
    days = {local(o.start, "America/Los_Angeles")[:10] for o in found}
    assert {"2023-06-01", "2023-06-08"} <= days


def test_row_23_cancelled_instance_is_returned_flagged() -> None:
    name = PRIE + "issue_18_cancel_status.ics"
    flags = [
        (o.cancelled, o.busy)
        for d in ("2020-01-28", "2020-01-29", "2020-01-30")
        for o in day(name, d, "Europe/Berlin")
    ]
    assert flags == [(False, True), (True, True), (False, True)]


def test_row_24_recurrence_id_formats_all_match() -> None:
    name = PRIE + "issue_36_recurrence_ID_format.ics"
    for when, summary in [
        ("2020-09-17", "Modified event"),
        ("2020-09-14", "Modified event 1"),
        ("2020-09-21", "Modified event 2"),
    ]:
        assert summaries(day(name, when, "Europe/Berlin")) == [summary]


RANGE = PRIE + "issue_75_range_parameter.ics"


def test_row_25_this_and_future_by_day() -> None:
    expected = {
        "2024-09-01": "ORIGINAL EVENT",
        "2024-09-11": "ORIGINAL EVENT",
        "2024-09-13": "MODIFIED EVENT",
        "2024-09-14": "MODIFIED EVENT",
        "2024-09-15": "MODIFIED EVENT",
        "2024-09-17": "MODIFIED EVENT",
        "2024-09-19": "MODIFIED EVENT",
        "2024-09-22": "EDITED EVENT",
        "2024-09-24": "EDITED EVENT",
        "2024-09-26": "EDITED EVENT",
    }
    for when, summary in expected.items():
        assert summaries(day(RANGE, when)) == [summary], when


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        *[
            ("2024-09-01T00:00:00", stop, n)
            for stop, n in zip(
                [
                    "0911T235959",
                    "0913T000000",
                    "0913T235959",
                    "0914T235959",
                    "0915T235959",
                    "0917T235959",
                    "0919T235959",
                    "0921T235959",
                    "0922T000000",
                    "0922T235959",
                    "0923T000000",
                    "0923T235959",
                    "0924T235959",
                    "0925T235959",
                ],
                [6, 6, 7, 8, 9, 10, 11, 11, 11, 12, 12, 12, 13, 13],
                strict=True,
            )
        ],
        ("2024-09-13T00:00:00", "0922T000000", 5),
        ("2024-09-13T00:00:00", "0922T235959", 6),
        ("2024-09-24T00:00:00", "0925T235959", 1),
    ],
)
def test_row_26_this_and_future_counts(start: str, end: str, count: int) -> None:
    stop = f"2024-{end[:2]}-{end[2:4]}T{end[5:7]}:{end[7:9]}:{end[9:11]}"
    assert len(query(RANGE, start, stop)) == count


def test_row_27_this_and_future_moves_times_too() -> None:
    for start, expected in [
        ("2024-09-13T09:00", ("09:00", "16:00")),
        ("2024-09-17T09:00", ("09:00", "16:00")),
        ("2024-09-22T14:22", ("14:22", "16:13")),
        ("2024-09-24T14:22", ("14:22", "16:13")),
    ]:
        stop = (datetime.fromisoformat(start) + timedelta(minutes=1)).isoformat()
        (found,) = query(RANGE, start, stop)
        assert (found.start.strftime("%H:%M"), found.end.strftime("%H:%M")) == expected  # type: ignore[union-attr]


def test_row_28_period_rdate_sets_duration() -> None:
    (found,) = day(PRIE + "issue_113_period_in_rdate.ics", "2023-12-13", "America/Vancouver")
    assert (local(found.start, "America/Vancouver"), local(found.end, "America/Vancouver")) == (
        "2023-12-13T12:00",
        "2023-12-13T15:00",
    )


def test_row_29_higher_sequence_copy_replaces_series() -> None:
    name = PRIE + "issue_148_ignored_exdate.ics"
    assert len(query(name, "1990-01-01", "2035-01-01")) == 2
    assert day(name, "2024-07-15") == []
    assert summaries(day(name, "2024-07-01") + day(name, "2024-07-29")) == ["test123 - edited"] * 2


def test_row_30_floating_time_read_in_x_wr_timezone() -> None:
    (found,) = query(
        PRIE + "issue_86_x_wr_timezone_without_time_zone_in_dt.ics", "2021-01-01", "2022-01-01"
    )
    assert local(found.start, "Europe/Brussels") == "2021-09-16T21:00"


@pytest.mark.parametrize(
    ("clock", "count"),
    [
        ("12:00", 1),
        ("11:59", 0),
        ("12:59", 1),
        ("13:00", 0),
        ("21:00", 1),
        ("20:59", 0),
        ("21:59", 1),
        ("22:00", 0),
    ],
)
def test_row_31_utc_events_shown_in_x_wr_timezone(clock: str, count: int) -> None:
    start = f"2021-12-22T{clock}"
    stop = (datetime.fromisoformat(start) + timedelta(minutes=1)).isoformat()
    assert (
        len(
            query(
                PRIE + "x_wr_timezone_simple_events_issue_59.ics", start, stop, "America/New_York"
            )
        )
        == count
    )


def test_row_32_rdate_only_series() -> None:
    name = PRIE + "rdate_hackerpublicradio.ics"
    found = query(name, "1990-01-01", "2035-01-01")
    assert len(found) == 12
    expected = [
        "2013-08-03",
        "2013-08-31",
        "2013-10-05",
        "2013-11-02",
        "2013-11-30",
        "2014-01-04",
        "2014-02-01",
        "2014-03-01",
        "2014-04-05",
        "2014-05-03",
        "2014-05-31",
        "2014-07-05",
    ]
    assert sorted(local(o.start, "Europe/London")[:10] for o in found) == expected
    for clock, count in [("19:00", 1), ("20:00", 1), ("21:00", 0)]:
        start = f"2013-08-03T{clock}:00"
        assert len(query(name, start, start[:-2] + "01")) == count


def test_row_33_two_rrules_are_a_union() -> None:
    found = query(PRIE + "multiple_rrule.ics", "2023-01-01", "2024-01-01")
    assert len(found) == 22
    days = {instant(o)[:10] for o in found}
    assert {"2023-02-09", "2023-02-13", "2023-02-16", "2023-03-13"} <= days


def test_row_34_override_wins_despite_lower_sequence() -> None:
    assert summaries(
        day(PRIE + "recurrence_sequence_number.ics", "2020-09-22", "Europe/Berlin")
    ) == ["Modified event"]


def test_row_35_date_exdate_removes_timed_instance() -> None:
    assert day(PRIE + "date_exclude.txt", "2023-12-16") == []


def test_row_36_mixed_date_and_datetime() -> None:
    (found,) = query(PRIE + "issue_201_mixed_datetime_and_date.ics", "2023-01-01", "2024-01-01")
    assert instant(found)[:10] == "2023-07-24"
    end = (
        found.end
        if isinstance(found.end, date) and not isinstance(found.end, datetime)
        else found.end.date()
    )
    assert end == date(2023, 8, 17)


def test_row_37_swapped_start_and_end() -> None:
    (found,) = query(
        PRIE + "issue_132_swapped_start_and_end.ics", "2023-12-18", "2023-12-19", "Europe/Paris"
    )
    assert (local(found.start, "Europe/Paris"), local(found.end, "Europe/Paris")) == (
        "2023-12-18T23:30",
        "2023-12-18T23:45",
    )


def test_row_38_bad_rule_is_reported_not_fatal() -> None:
    parsed = result(PRIE + "bad_rrule_missing_until_event.ics", "2019-03-01", "2019-12-31")
    assert [p.uid for p in parsed.problems] == ["blabla"]


# --- x-wr-timezone rows: same occurrences from input and expected output ---

PAIRS = [
    "single-events-DTSTART-DTEND",
    "single-event-no-tz",
    "moved-event-RECURRENCE-ID",
    "rdate-hackerpublicradio",
    "exdate-hackerpublicradio-modified",
    "single-event-x-wr-timezone-not-used",
]


@pytest.mark.parametrize("pair", PAIRS)
def test_rows_40_45_input_and_output_agree(pair: str) -> None:
    one = query(f"x-wr-timezone/{pair}.in.ics", "1990-01-01", "2035-01-01")
    other = query(f"x-wr-timezone/{pair}.out.ics", "1990-01-01", "2035-01-01")
    # An event without UID is keyed by its content's hash, which differs between the files.
    key = lambda o: ("" if o.uid.startswith("no-uid-") else o.uid, o.recurrence_id, o.start, o.end)  # noqa: E731
    assert sorted(map(key, one)) == sorted(map(key, other))


def test_row_41_utc_events_get_new_york_wall_times() -> None:
    found = query("x-wr-timezone/single-events-DTSTART-DTEND.in.ics", "2021-12-01", "2022-01-01")
    assert sorted(
        (local(o.start, "America/New_York"), local(o.end, "America/New_York")) for o in found
    ) == [
        ("2021-12-22T12:00", "2021-12-22T13:00"),
        ("2021-12-22T21:00", "2021-12-22T22:00"),
    ]


def test_row_42_moved_instance_keyed_by_berlin_recurrence_id() -> None:
    found = query("x-wr-timezone/moved-event-RECURRENCE-ID.in.ics", "2021-11-01", "2022-01-10")
    got = {
        o.recurrence_id: (local(o.start, "Europe/Berlin"), local(o.end, "Europe/Berlin"))
        for o in found
    }
    assert got["20211126T203000Z"] == ("2021-11-26T21:30", "2021-11-26T21:30")
    assert got["20211231T203000Z"][0] == "2021-12-17T21:30"


def test_row_43_rdates_at_london_wall_times() -> None:
    found = query("x-wr-timezone/rdate-hackerpublicradio.in.ics", "1990-01-01", "2035-01-01")
    walls = sorted(local(o.start, "Europe/London") for o in found)
    assert walls[0] == "2013-08-03T20:00" and walls[5] == "2014-01-04T19:00" and len(walls) == 12
    assert (
        query("x-wr-timezone/exdate-hackerpublicradio-modified.in.ics", "2013-08-01", "2014-08-01")
        == []
    )


def test_row_44_floating_time_gets_x_wr_timezone() -> None:
    (found,) = query("x-wr-timezone/single-event-no-tz.in.ics", "2021-01-01", "2022-01-01")
    assert (local(found.start, "Europe/Brussels"), local(found.end, "Europe/Brussels")) == (
        "2021-09-16T21:00",
        "2021-09-16T22:45",
    )


# --- icalendar rows ---


def test_row_46_rrule_with_spaces_keeps_the_event() -> None:
    parsed = result("icalendar/issue_165_missing_event.ics", "1990-01-01", "2035-01-01")
    assert parsed.event_count == 1 and parsed.occurrences


def test_row_47_non_ascii_outlook_tzid() -> None:
    (found,) = query(
        "icalendar/issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics",
        "2017-05-11",
        "2017-05-12",
    )
    assert local(found.start, "America/Sao_Paulo") == "2017-05-11T13:30"


def test_row_48_utc_plus_11_vtimezone() -> None:
    (found,) = query("icalendar/issue_218_bad_tzid.ics", "2017-02-28", "2017-03-01")
    assert (instant(found), found.end.strftime("%H:%M")) == ("2017-02-28T12:00", "12:30")  # type: ignore[union-attr]


def test_row_49_globally_unique_tzids() -> None:
    found = query("icalendar/issue_313_globally_unique_tzid.ics", "2020-04-26", "2020-04-28")
    assert sorted(instant(o) for o in found) == [
        "2020-04-26T12:00",
        "2020-04-26T17:00",
        "2020-04-26T18:00",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("timezone_same_start.ics", "2017-02-24T20:00"),
        ("timezone_same_start_and_offset.ics", "2017-02-24T03:00"),
    ],
)
def test_row_50_exchange_zones_same_start(name: str, expected: str) -> None:
    assert [instant(o) for o in query(f"icalendar/{name}", "2017-02-20", "2017-02-28")] == [
        expected
    ]


def test_row_53_bad_exdate_keeps_the_event() -> None:
    found = query("icalendar/parsing_error.ics", "1990-01-01", "2035-01-01")
    assert len({o.uid for o in found}) == 2


@pytest.mark.parametrize(
    "name",
    [
        "issue_104_broken_calendar.ics",
        "issue_464_invalid_rdate.ics",
        "issue_350.ics",
        "x_location.ics",
        "issue_836_do_not_quote_tzid.ics",
    ],
)
def test_rows_54_56_57_60_61_damaged_files_still_import(name: str) -> None:
    assert query(f"icalendar/{name}", "1990-01-01", "2035-01-01")


def test_row_55_concatenated_calendars_are_merged() -> None:
    assert (
        result("icalendar/multiple_calendar_components.ics", "1990-01-01", "2035-01-01").event_count
        == 3
    )


def test_row_59_bom_is_accepted() -> None:
    result("icalendar/bom_calendar.ics", "1990-01-01", "2035-01-01")


def test_row_61_eastern_standard_time() -> None:
    (found,) = query(
        "icalendar/issue_836_do_not_quote_tzid.ics", "2024-10-28", "2024-10-29", "America/New_York"
    )
    assert local(found.start, "America/New_York") == "2024-10-28T17:00"


# --- khal rows (khal's default zone given as default_tz) ---


def test_row_62_utc_exdate_on_zoned_series() -> None:
    found = query("khal/event_invalid_exdate.ics", "2011-01-01", "2012-06-01", "America/New_York")
    assert sorted(
        (local(o.start, "America/New_York"), local(o.end, "America/New_York")[11:]) for o in found
    ) == [
        ("2011-11-12T15:50", "17:00"),
        ("2011-11-19T15:50", "17:00"),
        ("2011-12-03T15:50", "17:00"),
    ]


def test_row_63_unknown_tzid_reads_default_zone() -> None:
    found = query(
        "khal/event_dtr_no_tz_exdatez.ics", "2012-01-01", "2013-01-01", default_tz="Europe/Berlin"
    )
    assert sorted(local(o.start, "Europe/Berlin") for o in found) == [
        "2012-04-03T10:00",
        "2012-05-03T10:00",
        "2012-07-03T10:00",
        "2012-08-03T10:00",
        "2012-09-03T10:00",
    ]


def test_row_64_unknown_tzid_with_utc_until() -> None:
    found = query(
        "khal/event_dtr_notz_untilz.ics", "2012-01-01", "2013-01-01", default_tz="America/New_York"
    )
    assert sorted(local(o.start, "America/New_York") for o in found) == [
        f"2012-{d}T13:00" for d in ["07-26", "08-09", "08-23", "09-06", "09-20", "10-04", "10-18"]
    ]


def test_rows_65_66_67_date_series() -> None:
    assert sorted(
        instant(o) for o in query("khal/event_d_rdate.ics", "2015-01-01", "2016-01-01")
    ) == [
        "2015-08-12",
        "2015-08-13",
        "2015-08-14",
        "2015-08-15",
    ]
    assert sorted(
        instant(o)
        for o in query("khal/event_dt_rrule_invalid_until.ics", "2007-01-01", "2009-01-01")
    ) == [
        "2007-12-01",
        "2008-01-01",
        "2008-02-01",
    ]
    found = sorted(
        query("khal/event_dt_rrule_invalid_until2.ics", "2014-01-01", "2015-01-01"), key=instant
    )
    assert len(found) == 35
    assert local(found[0].start, "Europe/Berlin") == "2014-04-09T09:30"
    assert local(found[-1].start, "Europe/Berlin") == "2014-12-03T09:30"


def test_row_69_cancelled_instance_kept_and_flagged() -> None:
    found = day("khal/event_rrule_recuid_cancelled.ics", "2014-07-14", "Europe/Berlin")
    assert [
        (o.cancelled, local(o.start, "Europe/Berlin")[11:], local(o.end, "Europe/Berlin")[11:])
        for o in found
    ] == [(True, "07:00", "12:00")]


def test_rows_70_71_overrides_without_master() -> None:
    found = query("khal/event_dt_multi_recuid_no_master.ics", "2010-01-01", "2020-01-01")
    assert sorted((instant(o), o.end.strftime("%H:%M")) for o in found) == [
        ("2014-06-30T07:30", "12:00"),
        ("2014-07-07T08:30", "12:00"),
    ]  # type: ignore[union-attr]
    (single,) = query("khal/event_dt_recuid_no_master.ics", "2017-03-01", "2017-04-01")
    assert (instant(single), single.summary) == ("2017-03-29T16:00", "Infrastructure Planning")


def test_row_72_tzid_with_z_is_wall_time() -> None:
    found = query(
        "khal/event_dt_mixed_awareness.ics",
        "2015-05-29",
        "2015-06-03",
        "Europe/Berlin",
        default_tz="Europe/Berlin",
    )
    assert sorted(
        (local(o.start, "Europe/Berlin"), local(o.end, "Europe/Berlin")) for o in found
    ) == [
        ("2015-05-30T12:00", "2015-05-30T16:00"),
        ("2015-06-02T12:00", "2015-06-02T16:00"),
    ]


def test_row_73_missing_zone_reads_default() -> None:
    (found,) = query(
        "khal/event_dt_local_missing_tz.ics",
        "2014-04-09",
        "2014-04-10",
        "Europe/Berlin",
        default_tz="Europe/Berlin",
    )
    assert (local(found.start, "Europe/Berlin"), local(found.end, "Europe/Berlin")) == (
        "2014-04-09T09:30",
        "2014-04-09T10:30",
    )


def test_rows_74_75_broken_zone_and_alarm_still_import() -> None:
    (found,) = query("khal/invalid_tzoffset.ics", "2012-12-01", "2012-12-03")
    assert (local(found.start, "Europe/Berlin"), local(found.end, "Europe/Berlin")) == (
        "2012-12-02T08:00",
        "2012-12-02T09:30",
    )
    assert query("khal/non_dst_error.ics", "1990-01-01", "2035-01-01")


# --- node-ical rows (UTC instants) ---


def test_row_76_example_rrule_2017() -> None:
    found = query("node-ical/example-rrule.ics", "2017-01-01", "2018-01-01")
    got = sorted((instant(o), o.end.strftime("%H:%M")) for o in found)  # type: ignore[union-attr]
    assert got == [
        ("2017-06-01T14:00", "22:00"),
        ("2017-06-08T14:00", "22:00"),
        ("2017-06-15T14:00", "22:00"),
        ("2017-06-22T14:00", "22:00"),
        ("2017-07-03T14:00", "17:00"),
        ("2017-07-27T14:00", "22:00"),
        ("2017-08-10T14:00", "22:00"),
        ("2017-12-01T19:00", "21:00"),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "exchange_whole_day_moved_recurrence.ics",
        "exchange_whole_day_moved_recurrence_offset_tz.ics",
    ],
)
def test_rows_77_78_exchange_all_day_override_keyed_to_local_date(name: str) -> None:
    found = query(f"node-ical/{name}", "2026-02-19", "2026-03-01", "Europe/Berlin")
    got = sorted((instant(o), o.recurrence_id) for o in found)
    assert ("2026-02-27", "20260226") in got
    assert not any(start == "2026-02-26" for start, _ in got)
    if name == "exchange_whole_day_moved_recurrence.ics":
        assert {"2026-02-19", "2026-02-24"} <= {start for start, _ in got}


def test_row_79_customized_time_zone_from_vtimezone() -> None:
    found = sorted(query("node-ical/bad_ms_tz.ics", "2020-01-01", "2021-01-01"), key=instant)
    first = next(o for o in found if o.summary == "[private]")
    assert (instant(first), first.end.strftime("%H:%M")) == ("2020-08-25T14:35", "15:50")  # type: ignore[union-attr]


def test_row_80_value_inside_quoted_tzid_is_repaired() -> None:
    found = [
        o
        for o in query("node-ical/ms_timezones.ics", "2020-06-01", "2020-07-01")
        if o.summary == "Log Yesterday's Jira time"
    ]
    assert found and instant(found[0]).endswith("T07:00") and found[0].end.minute == 30  # type: ignore[union-attr]


def test_row_81_custom_tz_and_odd_durations() -> None:
    found = {
        o.summary: o for o in query("node-ical/bad_custom_ms_tz.ics", "2021-01-01", "2022-01-01")
    }
    assert instant(found["[private]"])[:10] == "2021-03-25"
    assert set(found) == {"[private]", "*masked-away*", "*masked-away2*"}


def test_row_82_exchange_display_name_is_bangkok() -> None:
    (found,) = query("node-ical/exchange-custom-tz.ics", "2019-04-30", "2019-05-01")
    assert local(found.start, "Asia/Bangkok") == "2019-04-30T09:00"


def test_rows_83_84_85_floating_and_odd_vtimezones() -> None:
    # Row 83 is node-ical reading a floating time in the file's only VTIMEZONE. RFC 5545
    # 3.3.5 reads it as the same wall-clock time wherever it is viewed: kara-tui reads it in
    # the practice zone, and the row's instant holds for a practice in Amsterdam (its
    # VTIMEZONE's zone). Read in UTC it would stay 10:00, which is the RFC's answer too.
    (one,) = query(
        "node-ical/dst-transition-rules.ics",
        "2022-10-01",
        "2022-11-01",
        default_tz="Europe/Amsterdam",
    )
    (utc,) = query("node-ical/dst-transition-rules.ics", "2022-10-01", "2022-11-01")
    assert instant(utc) == "2022-10-09T10:00"
    # Row 84: The Events Calendar (PRODID "...ECPv6.3.3...") writes its site's local times
    # floating next to one VTIMEZONE; that producer alone keeps the VTIMEZONE reading (see
    # timezones.VTIMEZONE_FOR_FLOATING), with a note.
    assert (instant(one), one.end.strftime("%H:%M")) == ("2022-10-09T08:00", "09:00")  # type: ignore[union-attr]
    (two,) = query(
        "node-ical/test_with_multiple_tzids_in_vtimezone.ics", "2024-06-01", "2024-07-01"
    )
    assert (instant(two), two.end.isoformat()[:16]) == ("2024-06-27T07:00", "2024-06-28T06:00")  # type: ignore[union-attr]
    (three,) = query("node-ical/vtimezone-year-0001-dtstart.ics", "2024-06-01", "2024-06-02")
    assert instant(three) == "2024-06-01T08:00"


def test_row_86_moved_all_day_instance_across_dst() -> None:
    found = query(
        "node-ical/whole_day_moved_over_dst_change_berlin.ics", "2024-10-01", "2024-12-01"
    )
    moved = [
        o
        for o in found
        if o.uid == "14nv8jl8d6dvdbl477lod4fftf@google.com" and o.start == date(2024, 10, 30)
    ]
    assert len(moved) == 1 and moved[0].all_day and moved[0].end == date(2024, 10, 31)


def test_row_87_override_before_master() -> None:
    found = [
        o
        for o in query("node-ical/google-calendar-kiev-tz.ics", "2016-08-01", "2016-09-01")
        if o.recurrence_id == "20160826T110000Z"
    ]
    assert summaries(found) == ["bla bla"]


def test_row_88_exdates_and_override() -> None:
    found = query("node-ical/daily-count-exdate-recurrence-id.ics", "2015-07-01", "2015-08-01")
    rids = {o.recurrence_id: o.summary for o in found}
    assert rids["20150707T190000Z"] == "More Treasure Hunting"
    assert not any(rid.startswith(("20150708", "20150710")) for rid in rids)


def test_row_89_comma_and_bad_time_exdates() -> None:
    found = query("node-ical/biweekly-exdate-until.ics", "2017-01-01", "2018-01-01")
    commas = {instant(o)[:10] for o in found if o.summary == "Example of comma-separated exdates"}
    assert not commas & {"2017-07-06", "2017-07-17", "2017-07-20", "2017-08-03"}
    bad = {instant(o)[:10] for o in found if o.summary == "Example of exdate with bad times"}
    assert not bad & {"2017-12-18", "2017-12-19"}


def test_row_90_junk_rrule_keeps_start_time() -> None:
    found = [
        o
        for o in query("node-ical/badRRULE.ics", "2020-01-01", "2022-01-01")
        if o.summary == "Academic Time"
    ]
    assert min(instant(o) for o in found) == "2020-09-03T15:50"


def test_row_91_all_day_in_forward_zone_keeps_its_date() -> None:
    found = sorted(
        query("node-ical/test_with_forward_TZ.ics", "2020-01-01", "2021-01-01"), key=instant
    )
    assert (found[0].start, found[0].end) == (date(2020, 10, 17), date(2020, 10, 18))


def test_row_92_city_list_tzid_maps_to_berlin_rules() -> None:
    zone = to_iana(
        "Amsterdam, Belgrade, Berlin, Brussels, Budapest, Madrid, Paris, Prague, Stockholm"
    )
    berlin = to_iana("Europe/Berlin")
    assert zone is not None and berlin is not None
    for month in (1, 7):
        moment = datetime(2024, month, 1, 12)
        assert zone.utcoffset(moment) == berlin.utcoffset(moment)


def test_row_93_status_values() -> None:
    found = {
        o.uid[:8]: o.cancelled
        for o in query("node-ical/tentative-apple-calendar.ics", "1990-01-01", "2035-01-01")
    }
    assert found == {"31a1ffc9": False, "F00F3710": False, "8CAB46C5": True, "99F615DE": False}


def test_row_94_basic_events() -> None:
    parsed = result("node-ical/multi-event-basic.ics", "1990-01-01", "2035-01-01")
    assert parsed.event_count == 9
    by_uid = {o.uid[:8]: o for o in parsed.occurrences}
    assert (by_uid["47f6ea3f"].start, by_uid["47f6ea3f"].location) == (
        date(2011, 11, 29),
        "Fort Lauderdale, United States",
    )
    assert by_uid["480a3ad4"].all_day
    assert instant(by_uid["d4c826df"]) == "2011-03-12T20:00"
    assert [p.uid for p in parsed.problems] == ["sdfkf09fsd0"] and "Next Year" in parsed.problems[
        0
    ].reason


# --- ical-expander, ical.js, allenporter, ics-parser, ical4j rows ---


def test_row_95_infcloud_overrides_and_exdate() -> None:
    name = "ical-expander/icaljs-issue-257.ics"
    assert summaries(query(name, "2016-07-24", "2016-07-26")) == ["Test-Event"]
    assert summaries(query(name, "2016-07-31", "2016-08-02")) == ["Test-Event - Reccurence #2"]
    assert query(name, "2016-08-07", "2016-08-10") == []


def test_row_96_moved_instance() -> None:
    name = "ical-expander/icaljs-issue-285.ics"
    assert sorted(instant(o) for o in query(name, "2017-01-03", "2017-01-25")) == [
        "2017-01-03T08:00",
        "2017-01-10T08:00",
        "2017-01-18T08:00",
        "2017-01-24T08:00",
    ]
    assert summaries(query(name, "2017-01-18", "2017-01-19")) == ["test event"]


def test_row_97_overlap_on_day_boundaries() -> None:
    found = query("ical-expander/between_dates.ics", "2018-05-02T00:00", "2018-05-02T23:59:59.999")
    assert {o.uid for o in found} == {"3", "4", "5", "6", "7", "8"}


def test_row_98_one_uid_many_events_is_reported() -> None:
    parsed = result("ical-expander/invalid_dates.ics", "1990-01-01", "2035-01-01")
    assert any("copies" in p.reason for p in parsed.problems)


def test_row_99_open_ended_all_day_series() -> None:
    found = query("ical-expander/all-day.ics", "2018-05-19T23:59", "2019-05-19")
    assert "Non-repeating all day event" in summaries(found)
    assert summaries(found).count("Repeating all day event") >= 10


def test_rows_100_101_recurrence_ids() -> None:
    found = sorted(
        o.recurrence_id for o in query("ical.js/recur_instances.ics", "2012-10-01", "2013-01-02")
    )
    assert found[:6] == [
        "20121002T170000Z",
        "20121105T180000Z",
        "20121106T180000Z",
        "20121110T180000Z",
        "20121130T180000Z",
        "20130101T180000Z",
    ]
    finite = sorted(
        o.recurrence_id
        for o in query("ical.js/recur_instances_finite.ics", "1990-01-01", "2035-01-01")
    )
    assert finite == [
        "20121002T170000Z",
        "20121105T180000Z",
        "20121106T180000Z",
        "20121110T180000Z",
        "20121204T180000Z",
    ]


def test_row_102_date_exdate_on_timed_series() -> None:
    found = query("ical.js/rdate_exdate.ics", "1990-01-01", "2035-01-01")
    assert sorted(instant(o) for o in found) == [
        "2024-06-09T03:00",
        "2024-06-10T03:00",
        "2024-06-12T03:00",
    ]


def first(name: str, n: int, start: str, end: str) -> list:  # type: ignore[type-arg]
    return sorted(query(name, start, end), key=lambda o: (instant(o), o.summary))[:n]


def test_row_103_icloud() -> None:
    got = [
        (local(o.start, "America/Los_Angeles"), local(o.end, "America/Los_Angeles")[11:], o.summary)
        for o in first("allenporter-ical/apple_ical.ics", 5, "2022-09-01", "2022-10-01")
    ]
    assert got == [("2022-09-12T09:00", "10:00", "New Event")] + [
        (f"2022-09-{d}T09:00", "10:00", "Daily") for d in (13, 14, 15, 16)
    ]


def test_row_104_google_date_exdates() -> None:
    got = [
        instant(o)
        for o in first(
            "allenporter-ical/google_calendar_invalid_offset.ics", 5, "2003-01-01", "2003-03-01"
        )
    ]
    assert got == [f"2003-02-0{d}T20:00" for d in range(3, 8)]


def test_row_105_public_holidays() -> None:
    got = [
        (instant(o), o.summary)
        for o in first(
            "allenporter-ical/google_calendar_public_holidays.ics", 5, "2021-01-01", "2021-03-01"
        )
    ]
    assert got == [
        ("2021-01-01", "New Year's Day"),
        ("2021-01-18", "Martin Luther King Jr. Day"),
        ("2021-01-20", "Inauguration Day (regional holiday)"),
        ("2021-02-01", "First Day of Black History Month"),
        ("2021-02-14", "Valentine's Day"),
    ]


def test_row_106_daily_all_day_with_override() -> None:
    got = [
        (instant(o), o.summary)
        for o in first("allenporter-ical/recurring_event.ics", 5, "2025-05-05", "2025-06-01")
    ]
    assert [d for d, _ in got] == [
        "2025-05-05",
        "2025-05-06",
        "2025-05-07",
        "2025-05-08",
        "2025-05-09",
    ]
    assert got[2][1] == "Some Modified Event"


def test_row_107_override_before_master() -> None:
    got = [
        (local(o.start, "America/New_York"), o.summary, o.recurrence_id)
        for o in first(
            "allenporter-ical/recurring_with_single_change.ics", 3, "2026-01-01", "2026-03-01"
        )
    ]
    assert got == [
        ("2026-02-01T10:00", "Initial Title", "20260201T150000Z"),
        ("2026-02-02T10:00", "Edited Title", "20260202T150000Z"),
        ("2026-02-03T10:00", "Initial Title", "20260203T150000Z"),
    ]


def test_rows_108_109_110_compat_modes() -> None:
    (one,) = query("allenporter-ical/office_365_extended_timezone.ics", "2024-04-26", "2024-04-27")
    assert local(one.start, "Europe/Berlin") == "2024-04-26T14:00"
    (two,) = query(
        "allenporter-ical/office_365_invalid_timezone.ics",
        "2024-04-26",
        "2024-04-27",
        default_tz="Europe/Berlin",
    )
    assert local(two.start, "Europe/Berlin") == "2024-04-26T14:00"
    (three,) = query(
        "allenporter-ical/calendar_labs_same_day_dtend.ics", "2025-12-01", "2026-01-01"
    )
    assert (three.start, three.end) == (date(2025, 12, 8), date(2025, 12, 9))


def test_rows_111_112_113_ics_parser() -> None:
    found = sorted(query("ics-parser/issue-196.ics", "2019-01-01", "2020-01-01"), key=instant)
    assert len(found) == 7
    assert [local(o.start, "Europe/Berlin") for o in found[:6]] == [
        "2019-11-05T19:00",
        "2019-11-06T19:00",
        "2019-11-07T19:00",
        "2019-11-08T19:00",
        "2019-11-09T17:00",
        "2019-11-10T18:00",
    ]
    (one,) = query("ics-parser/issue-340.ics", "2023-01-12", "2023-01-13")
    assert local(one.start, "Europe/Berlin") == "2023-01-12T18:00"
    assert len(query("ics-parser/issue-343.ics", "2024-09-01", "2024-10-01")) == 1


def test_row_114_period_filter_by_day() -> None:
    name = "ical4j/2207678.ics"
    assert day(name, "2008-10-31") and day(name, "2008-11-07")
    assert day(name, "2008-11-01") == day(name, "2008-11-08") == []


def test_rows_115_116_friday_13th() -> None:
    assert (
        query("ical4j/friday13.ics", "1997-09-02T09:00", "1997-09-09T09:00", "America/New_York")
        == []
    )
    assert query(
        "ical4j/friday13-NOT.ics", "1997-09-02T09:00", "1998-09-01T09:00", "America/New_York"
    )


def test_row_117_daylight_only_vtimezone() -> None:
    (found,) = query("ical4j/dst-only-vtimezone.ics", "2018-04-03", "2018-04-04")
    assert instant(found) == "2018-04-03T07:00"


def test_rows_118_119_strict_parser_files() -> None:
    with pytest.raises(FeedUnreadable, match="stops in the middle"):
        query("ical4j/13-MoonPhase.ics", "1990-01-01", "2035-01-01")
    assert query("ical4j/schedule-unstable.ics", "1990-01-01", "2035-01-01")
    for name in ("bhav23-2.ics", "maritz.ics", "blankTzid.ics"):
        assert query(f"ical4j/{name}", "1990-01-01", "2035-01-01"), name
