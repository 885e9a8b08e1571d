"""policy.series: a series' starts are dateutil's for its rule, on the practice's wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from dateutil import rrule as du
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from kara_tui.domain import DomainError
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.policy.series import occurrences, rrule_parts
from support.examples import examples

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney"]  # both hemispheres' changes
_DAYS = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)


def _reference(start_local: datetime, rule: SeriesRule) -> list[datetime]:
    """dateutil over the aware start, as its documentation shows (the reference)."""
    freq = du.WEEKLY if rule.repeat is Repeat.WEEKLY else du.MONTHLY
    extra: dict[str, object] = {}
    if rule.repeat is Repeat.MONTHLY_BY_DATE:
        extra["bymonthday"] = start_local.day
    if rule.repeat is Repeat.MONTHLY_BY_WEEKDAY:
        n = (start_local.day - 1) // 7 + 1
        extra["byweekday"] = _DAYS[start_local.weekday()](-1 if n == 5 else n)
    until = (
        datetime.combine(rule.until, time.max, tzinfo=start_local.tzinfo) if rule.until else None
    )
    found = du.rrule(
        freq,
        dtstart=start_local,
        interval=rule.interval,
        count=rule.count,
        until=until,
        **extra,  # type: ignore[arg-type]
    )
    return [x.astimezone(UTC) for x in found]


@st.composite
def series(draw: st.DrawFn) -> tuple[datetime, str, SeriesRule]:
    zone = draw(st.sampled_from(ZONES))
    day = draw(st.dates(date(2026, 1, 1), date(2028, 12, 31)))
    at = time(draw(st.integers(7, 20)), draw(st.sampled_from([0, 15, 30, 45])))
    first = datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    repeat = draw(st.sampled_from(list(Repeat)))
    interval = draw(st.integers(1, 4))
    if draw(st.booleans()):
        rule = SeriesRule(repeat, interval, count=draw(st.integers(1, 40)))
    else:
        rule = SeriesRule(repeat, interval, until=day + timedelta(days=draw(st.integers(0, 500))))
    return first, zone, rule


@settings(max_examples=examples(150), deadline=None)
@given(series())
def test_occurrences_are_dateutils_and_keep_the_wall_clock(case) -> None:
    first, zone, rule = case
    found = occurrences(first, zone, rule)
    local_first = first.astimezone(ZoneInfo(zone))
    assert found == _reference(local_first, rule)
    # 10:00 stays 10:00: every start reads the first one's time in the practice zone.
    assert {f.astimezone(ZoneInfo(zone)).time() for f in found} <= {local_first.time()}


@settings(max_examples=examples(60), deadline=None)
@given(series())
@example(  # found by Hypothesis: the last of these starts is more than 4,000 days on
    (
        datetime(2026, 1, 1, 7, 0, tzinfo=UTC),
        "Europe/London",
        SeriesRule(repeat=Repeat.MONTHLY_BY_DATE, interval=4, count=34, until=None, position=None),
    )
)
def test_the_rrule_written_to_calendars_gives_the_same_starts(case) -> None:
    """What notices and the export write (RRULE on a DTSTART in the zone) reads back equal."""
    first, zone, rule = case
    found = occurrences(first, zone, rule)
    cal = Calendar()
    event = Event()
    event.add("uid", "x@kara-tui")
    event.add("dtstart", first.astimezone(ZoneInfo(zone)))
    event.add("dtend", first.astimezone(ZoneInfo(zone)) + timedelta(minutes=50))
    event.add("rrule", rrule_parts(first, zone, rule))
    cal.add_component(event)
    cal.add_missing_timezones()
    read = recurring_ical_events.of(Calendar.from_ical(cal.to_ical())).between(
        # past the last start by more than any interval, so an extra one would show
        first - timedelta(days=1),
        max(found, default=first) + timedelta(days=400),
    )
    assert sorted(e["DTSTART"].dt.astimezone(UTC) for e in read) == found


def test_ten_oclock_stays_ten_after_summer_time_ends() -> None:
    first = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)  # Tue 10:00 BST
    starts = occurrences(first, "Europe/London", SeriesRule(Repeat.WEEKLY, count=3))
    assert starts == [
        datetime(2026, 10, 20, 9, 0, tzinfo=UTC),
        datetime(2026, 10, 27, 10, 0, tzinfo=UTC),  # 10:00 GMT
        datetime(2026, 11, 3, 10, 0, tzinfo=UTC),
    ]


def test_an_open_ended_rule_needs_a_bound_and_skips_exceptions() -> None:
    first = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    rule = SeriesRule(Repeat.WEEKLY, 2)
    with pytest.raises(ValueError):
        occurrences(first, "Europe/London", rule)
    starts = occurrences(
        first,
        "Europe/London",
        rule,
        before=first + timedelta(weeks=6),
        skip=[first + timedelta(weeks=2)],
    )
    assert starts == [first, first + timedelta(weeks=4)]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("weekly", SeriesRule(Repeat.WEEKLY, 1)),
        ("2w", SeriesRule(Repeat.WEEKLY, 2)),
        ("monthly", SeriesRule(Repeat.MONTHLY_BY_WEEKDAY, 1)),
        ("monthly-by-date", SeriesRule(Repeat.MONTHLY_BY_DATE, 1)),
    ],
)
def test_repeat_words(words: str, expected: SeriesRule) -> None:
    assert SeriesRule.parse(words) == expected


@pytest.mark.parametrize("words", ["daily", "0w", "99w", "", "w"])
def test_bad_repeat_words_are_refused_in_one_line(words: str) -> None:
    with pytest.raises(DomainError) as err:
        SeriesRule.parse(words)
    assert "\n" not in str(err.value)


def test_describe() -> None:
    tue = datetime(2026, 11, 17, 10, 0)
    assert SeriesRule(Repeat.WEEKLY).describe(tue) == "weekly on Tuesday"
    assert SeriesRule(Repeat.WEEKLY, 2).describe(tue) == "every 2 weeks on Tuesday"
    assert SeriesRule(Repeat.MONTHLY_BY_WEEKDAY).describe(tue) == "monthly on the third Tuesday"
    assert SeriesRule(Repeat.MONTHLY_BY_DATE).describe(tue) == "monthly on day 17"
