"""Typed ranges of days: the last day included, stored half-open, described the same everywhere."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kara_tui.dayspan import describe, typed_span
from kara_tui.domain import DomainError

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 16)  # a Monday


def test_a_bare_to_date_is_the_last_day_included() -> None:
    start, end = typed_span("2026-12-24", "2026-12-24", LONDON, TODAY)
    assert (start, end) == (
        datetime(2026, 12, 24, tzinfo=LONDON),
        datetime(2026, 12, 25, tzinfo=LONDON),
    )
    assert describe(start, end, LONDON) == "Thu 24 Dec 2026, 1 day"


def test_days_across_a_clock_change_are_whole_days() -> None:
    start, end = typed_span("2026-03-28", "2026-03-30", LONDON, TODAY)
    assert end == datetime(2026, 3, 31, tzinfo=LONDON)
    assert describe(start, end, LONDON) == "Sat 28 Mar – Mon 30 Mar 2026, 3 days"


def test_a_to_with_a_time_ends_then_and_words_read_as_days() -> None:
    start, end = typed_span("next friday", "2026-11-21 12:00", LONDON, TODAY)
    assert (start, end) == (
        datetime(2026, 11, 20, tzinfo=LONDON),
        datetime(2026, 11, 21, 12, tzinfo=LONDON),
    )
    assert describe(start, end, LONDON) == "Fri 20 Nov 00:00 – Sat 21 Nov 12:00"


def test_a_range_across_new_year_names_both_years() -> None:
    start, end = typed_span("2026-12-30", "2027-01-02", LONDON, TODAY)
    assert describe(start, end, LONDON) == "Wed 30 Dec 2026 – Sat 2 Jan 2027, 4 days"


def test_a_last_day_before_the_first_is_refused_in_words() -> None:
    with pytest.raises(DomainError, match="the last day is before the first"):
        typed_span("2026-12-28", "2026-12-24", LONDON, TODAY)


def test_typed_days_are_both_included_and_read_as_every_date_is() -> None:
    from kara_tui.dayspan import typed_days

    assert typed_days("2026-11-09", "2026-11-15", TODAY) == (date(2026, 11, 9), date(2026, 11, 15))
    assert typed_days("-30d", "today", TODAY) == (date(2026, 10, 17), TODAY)
    assert typed_days("friday", "friday", TODAY) == (date(2026, 11, 20), date(2026, 11, 20))


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("", "today", "from: a day is needed"),
        ("2026-11-09", "2026-11-15 10:00", "to: '2026-11-15 10:00' has a time of day; give a day"),
        ("someday", "today", "from: 'someday' is not a date I can read"),
        ("2026-02-30", "today", "from: 2026-02-30 is not a day of the calendar"),
        ("2026-11-09", "2026-11-08", "the last day is before the first"),
    ],
)
def test_typed_days_refuse_bad_input_in_one_line(first: str, last: str, message: str) -> None:
    from kara_tui.dayspan import typed_days

    with pytest.raises(DomainError, match=message.replace("(", r"\(")):
        typed_days(first, last, TODAY)


def test_a_weekday_as_the_last_day_counts_from_the_first_day_not_from_today() -> None:
    # "fri to mon" on a Monday: the Monday after that Friday, not today (read as backwards).
    start, end = typed_span("fri", "mon", LONDON, TODAY)
    assert describe(start, end, LONDON) == "Fri 20 Nov – Mon 23 Nov 2026, 4 days"
    start, end = typed_span("wed", "next tue 12:00", LONDON, TODAY)
    assert describe(start, end, LONDON) == "Wed 18 Nov 00:00 – Tue 24 Nov 12:00"
    assert describe(*typed_span("fri", "friday", LONDON, TODAY), LONDON) == "Fri 20 Nov 2026, 1 day"
    from kara_tui.dayspan import typed_days

    assert typed_days("thu", "sun", TODAY) == (date(2026, 11, 19), date(2026, 11, 22))
    # A weekday that already falls after the first day, counted from today, stays as it is.
    assert typed_days("2025-01-01", "monday", TODAY) == (date(2025, 1, 1), TODAY)
    assert typed_days("today", "fri", TODAY) == (TODAY, date(2026, 11, 20))


def test_a_last_day_that_is_no_weekday_still_counts_from_today() -> None:
    with pytest.raises(DomainError, match="the last day is before the first"):
        typed_span("fri", "tomorrow", LONDON, TODAY)  # Tue 17 Nov: before Friday, said so
    start, end = typed_span("tomorrow", "+1w", LONDON, TODAY)
    assert describe(start, end, LONDON) == "Tue 17 Nov – Mon 23 Nov 2026, 7 days"


def test_a_forms_to_field_is_read_from_the_day_its_from_field_names() -> None:
    from kara_tui.dayspan import counted_from_typed

    assert counted_from_typed("fri", "mon", LONDON, TODAY) == date(2026, 11, 20)
    assert counted_from_typed("fri 10:00", "mon 12:00", LONDON, TODAY) == date(2026, 11, 20)
    assert counted_from_typed("someday", "mon", LONDON, TODAY) == TODAY  # "from" not read yet
    assert counted_from_typed("fri", "+3d", LONDON, TODAY) == TODAY
