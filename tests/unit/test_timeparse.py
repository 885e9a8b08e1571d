"""Reading the dates and times people type, in the practice's zone, refusing the impossible."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kara_tui.domain import DomainError
from kara_tui.timeparse import (
    AmbiguousTime,
    day_start,
    field_text,
    label,
    localize,
    parse_date,
    parse_datetime,
    plus_minutes,
)

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 16)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03", date(2026, 12, 3)),
        ("today", TODAY),
        ("now", TODAY),
        ("Tomorrow", date(2026, 11, 17)),
        ("yesterday", date(2026, 11, 15)),
        ("+3d", date(2026, 11, 19)),
        ("-1w", date(2026, 11, 9)),
        ("+2w", date(2026, 11, 30)),
        ("monday", TODAY),
        ("next monday", date(2026, 11, 23)),
        ("this friday", date(2026, 11, 20)),
        ("wed", date(2026, 11, 18)),
        ("2028-02-29", date(2028, 2, 29)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "2026-02-30 is not a day of the calendar"),
        ("2026-13-01", "is not a day of the calendar"),
        ("2027-02-29", "is not a day of the calendar"),
        ("someday", "'someday' is not a date I can read"),
        ("next week", "is not a date I can read"),
        ("03/12/2026", "is not a date I can read"),
    ],
)
def test_parse_date_refuses(text: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        parse_date(text, TODAY)


def test_times_without_offset_are_practice_time() -> None:
    winter = parse_datetime("2026-11-23 10:00", LONDON, TODAY)
    assert winter == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    summer = parse_datetime("2026-07-14 10:00", LONDON, TODAY)
    assert summer.astimezone(UTC) == datetime(2026, 7, 14, 9, 0, tzinfo=UTC)
    assert parse_datetime("2026-07-14T10:00", LONDON, TODAY) == summer


def test_an_offset_wins_over_the_practice_zone() -> None:
    t = parse_datetime("2026-11-23T10:00+01:00", LONDON, TODAY)
    assert t.utcoffset() == timedelta(hours=1)
    assert t.astimezone(UTC) == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    z = parse_datetime("2026-11-23T10:00Z", LONDON, TODAY)
    assert z.tzinfo == UTC or z.utcoffset() == timedelta(0)


def test_relative_days_with_a_time() -> None:
    assert parse_datetime("tomorrow 9:30", LONDON, TODAY) == datetime(
        2026, 11, 17, 9, 30, tzinfo=LONDON
    )
    assert parse_datetime("next monday 10:00", LONDON, TODAY).date() == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 10", datetime(2026, 11, 17, 10, 0)),
        ("tomorrow 10am", datetime(2026, 11, 17, 10, 0)),
        ("tomorrow 10 AM", datetime(2026, 11, 17, 10, 0)),
        ("fri 3pm", datetime(2026, 11, 20, 15, 0)),
        ("fri 3:30pm", datetime(2026, 11, 20, 15, 30)),
        ("friday 12pm", datetime(2026, 11, 20, 12, 0)),  # noon
        ("friday 12am", datetime(2026, 11, 20, 0, 0)),  # midnight
        ("next monday 14", datetime(2026, 11, 23, 14, 0)),
        ("2026-12-10 9.30", datetime(2026, 12, 10, 9, 30)),
        ("2026-12-10 10h30", datetime(2026, 12, 10, 10, 30)),
        ("2026-12-10 10h", datetime(2026, 12, 10, 10, 0)),
        ("2026-12-10 3pm", datetime(2026, 12, 10, 15, 0)),
    ],
)
def test_a_time_of_day_as_people_type_it(text: str, expected: datetime) -> None:
    assert parse_datetime(text, LONDON, TODAY) == expected.replace(tzinfo=LONDON)


def test_a_bare_date_is_its_local_midnight() -> None:
    assert parse_datetime("2026-07-14", LONDON, TODAY).astimezone(UTC) == datetime(
        2026, 7, 13, 23, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-03-29 01:30", "2026-03-29 01:30 does not exist in Europe/London"),
        ("2026-03-29T01:00", "the clocks go forward then"),
        ("2026-02-30 10:00", "2026-02-30 is not a day of the calendar"),
        ("2026-11-23 25:00", "'25:00' is not a time of day"),
        ("2026-11-23 10:60", "'10:60' is not a time of day"),
        ("tomorrow at noon", "is not a date and time I can read"),
        ("tomorrow 13pm", "'13pm' is not a time of day"),
        ("tomorrow 0am", "'0am' is not a time of day"),
        ("tomorrow 24", "'24' is not a time of day"),
        ("tomorrow 9:5", "is not a date and time I can read"),
        ("tomorrow 10 o'clock", "is not a date and time I can read"),
        ("yesterday at 7pm", "'yesterday at 7pm' is not a date and time I can read"),
        ("", "a time is needed"),
        ("   ", "a time is needed"),
    ],
)
def test_parse_datetime_refuses(text: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        parse_datetime(text, LONDON, TODAY)


def test_ambiguous_autumn_time_asks_which() -> None:
    # Issue 11: a time that happens twice is no longer silently taken as the first.
    with pytest.raises(AmbiguousTime) as info:
        parse_datetime("2027-10-31 01:30", LONDON, TODAY)
    assert str(info.value) == (
        "2027-10-31 01:30 happens twice in Europe/London (the clocks go back): say which with "
        "its offset, '2027-10-31 01:30+01:00' (BST) or '2027-10-31 01:30+00:00' (GMT)"
    )
    assert [label(c) for c in info.value.choices] == ["01:30 BST (+01:00)", "01:30 GMT (+00:00)"]
    for choice in info.value.choices:  # each choice reads back as itself
        assert parse_datetime(field_text(choice), LONDON, TODAY) == choice.astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2027-10-31 01:30+01:00", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
        ("2027-10-31T01:30+00:00", datetime(2027, 10, 31, 1, 30, tzinfo=UTC)),
        ("2027-10-31 01:30 BST", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
        ("2027-10-31 01:30 gmt", datetime(2027, 10, 31, 1, 30, tzinfo=UTC)),
        ("2026-11-23 10:00 GMT", datetime(2026, 11, 23, 10, 0, tzinfo=UTC)),
    ],
)
def test_an_offset_or_the_zones_abbreviation_says_which(text: str, utc: datetime) -> None:
    assert parse_datetime(text, LONDON, TODAY) == utc


def test_a_wrong_abbreviation_is_refused() -> None:
    with pytest.raises(DomainError, match="is GMT in Europe/London, not BST"):
        parse_datetime("2026-11-23 10:00 BST", LONDON, TODAY)


def test_the_end_is_elapsed_time_across_the_change() -> None:
    first = parse_datetime("2027-10-31 01:30 BST", LONDON, TODAY)
    end = plus_minutes(first, 50)
    assert end.astimezone(LONDON).strftime("%H:%M %Z") == "01:20 GMT"
    assert end - first == timedelta(minutes=50)


def test_localize_refuses_the_gap_in_other_zones() -> None:
    ny = ZoneInfo("America/New_York")
    with pytest.raises(DomainError, match="America/New_York"):
        localize(datetime(2026, 3, 8, 2, 30), ny)
    assert localize(datetime(2026, 3, 8, 3, 30), ny).utcoffset() == timedelta(hours=-4)


def test_day_start() -> None:
    assert day_start(date(2026, 11, 16), LONDON) == datetime(2026, 11, 16, 0, 0, tzinfo=UTC)
    assert day_start(date(2026, 7, 14), LONDON).astimezone(UTC) == datetime(
        2026, 7, 13, 23, 0, tzinfo=UTC
    )
    # Where midnight is skipped (Havana springs forward at 00:00), the day starts at 01:00.
    havana = ZoneInfo("America/Havana")
    start = day_start(date(2026, 3, 8), havana)
    assert start.astimezone(havana).hour == 1
    assert start.utcoffset() == timedelta(hours=-4)
    assert start.tzinfo is not None
    assert start == start.astimezone(UTC)


def test_parse_moment_reads_now_as_the_given_instant_and_the_rest_as_parse_datetime() -> None:
    from kara_tui.timeparse import parse_moment

    now = datetime(2026, 11, 16, 8, 17, 42, tzinfo=UTC)
    assert parse_moment(" Now ", LONDON, now) == now
    assert parse_moment("yesterday 19:30", LONDON, now) == datetime(
        2026, 11, 15, 19, 30, tzinfo=LONDON
    )
    with pytest.raises(DomainError, match="is not a date and time I can read"):
        parse_moment("nowish", LONDON, now)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("fri", "fri"),
        (" Next Monday ", "next monday"),
        ("this tue", "this tue"),
        ("tue 18:00", "tue"),
        ("tomorrow", ""),
        ("+3d", ""),
        ("2026-12-24", ""),
        ("next", ""),
        ("next week", ""),
        ("", ""),
    ],
)
def test_names_weekday(text: str, named: str) -> None:
    from kara_tui.timeparse import names_weekday

    assert names_weekday(text) == named
