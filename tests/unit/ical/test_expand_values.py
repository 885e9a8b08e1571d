"""The fast path's own value readers and comparison helpers (ical/expand/values.py) against the
libraries they stand in for: every value form RFC 5545 allows, and bad ones, read alike or
left to the library; every comparison the same, error for error."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import unescape_backslash
from icalendar.prop import vDDDTypes
from recurring_ical_events import util

from kara_tui.ical.compat import know_zones_by_name
from kara_tui.ical.expand import values
from support.examples import examples

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]

# Every form of a DATE, DATE-TIME, DURATION and PERIOD value, good and bad.
TABLE = [
    "20261207",
    "19700101",
    "00010101",
    "99991231",
    "20240229",
    "20250229",
    "20261301",
    "20261200",
    "2026120",
    "202612071",
    "2026-12-07",
    "２０２６１２０７",
    "2026120a",
    " 20261207",
    "20261207T120000",
    "20261207T120000Z",
    "20261207t120000",
    "20261207T120000z",
    "20261207T235960",
    "20261207T240000",
    "20261207T126000",
    "20261231T235959Z",
    "20261207T1200",
    "20261207T120000+0100",
    "20261207 120000",
    "TZID=Europe/London:20261207T120000",
    "P1D",
    "P1W",
    "PT1H",
    "PT90M",
    "PT1H30M15S",
    "P1DT2H",
    "P0D",
    "PT0S",
    "P",
    "PT",
    "-P1D",
    "+P1D",
    "-PT15M",
    "-P2W",
    "p1d",
    "P1d",
    "P1H",
    "PT1D",
    "P1.5D",
    "P1W2D",
    "P１D",
    "-p1D",
    "P99999999999W",
    "P1DT",
    "P1Y",
    "PT-1H",
    "--P1D",
    "20261207T120000Z/20261207T130000Z",
    "20261207T120000/PT1H",
    "20261207/20261208",
    "",
    "Z",
    "T",
    "1200",
    "120000",
    "not a date",
    "20261207T120000ZZ",
]


def _library_value(text: str) -> Any:
    try:
        return ("ok", vDDDTypes.from_ical(text))
    except Exception as error:
        return ("refused", type(error))


def _same(ours: Any, theirs: Any) -> bool:
    return (
        type(ours) is type(theirs)
        and ours == theirs
        and getattr(ours, "tzinfo", None) is getattr(theirs, "tzinfo", None)
    )


@pytest.mark.parametrize("text", TABLE)
def test_a_value_is_read_as_icalendar_reads_it_or_left_to_it(text: str) -> None:
    ours = values.read_value(text)
    kind, theirs = _library_value(text)
    if ours is not None:
        assert kind == "ok" and _same(ours, theirs)


def test_the_usual_forms_are_our_own() -> None:
    for text in ("20261207", "20261207T120000", "20261207T120000Z", "PT1H", "-P1W", "P1DT2H"):
        assert values.read_value(text) is not None, text


@st.composite
def value_texts(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["date", "date-time", "duration", "noise"]))
    digits = st.text("0123456789", min_size=1, max_size=3)
    if kind == "date":
        return draw(st.from_regex(r"[0-9]{8}", fullmatch=True))
    if kind == "date-time":
        return draw(
            st.from_regex(r"[0-9]{8}[Tt][0-6][0-9][0-6][0-9][0-6][0-9][Zz]?", fullmatch=True)
        )
    if kind == "duration":
        sign = draw(st.sampled_from(["", "-", "+", "--"]))
        parts = [f"{draw(digits)}{unit}" for unit in "WD" if draw(st.booleans())]
        time = [f"{draw(digits)}{unit}" for unit in "HMS" if draw(st.booleans())]
        text = f"{sign}{draw(st.sampled_from(['P', 'p']))}{''.join(parts)}"
        return text + ("T" + "".join(time) if time or draw(st.booleans()) else "")
    return draw(st.text("0123456789TZPWDHMS+-/:", max_size=17))


@settings(max_examples=examples(600), deadline=None)
@given(value_texts())
def test_random_values_and_durations_are_read_as_icalendar_reads_them_or_left_to_it(
    text: str,
) -> None:
    kind, theirs = _library_value(text)
    for ours in (values.read_value(text), values.read_duration(text)):
        if ours is not None:
            assert kind == "ok" and _same(ours, theirs)


@pytest.mark.parametrize(
    "tzid",
    [
        *ZONES,
        "Europe/Berlin",
        "Etc/GMT+5",
        "America/Argentina/Buenos_Aires",
        "GMT",
        "Zulu",
        "europe/london",
        "Europe/Nowhere",
        "W. Europe Standard Time",
        "/freeassociation.sourceforge.net/Europe/Berlin",
        "Europe/London/",
        '"Europe/London"',
        "posixrules",
        "posix/Europe/London",
        "../etc/passwd",
        "Customized Time Zone",
        "(UTC+01:00) Amsterdam, Berlin",
        "",
        "UTC+1",
    ],
)
@pytest.mark.parametrize("utc", [False, True])
def test_a_zone_is_the_one_icalendar_gives_or_left_to_it(tzid: str, utc: bool) -> None:
    know_zones_by_name()
    ours = values.known_zone(tzid, utc)
    if ours is None:
        return
    probe = "20200101T000000Z" if utc else "20200101T000000"
    assert vDDDTypes.from_ical(probe, timezone=tzid).tzinfo is ours
    assert type(ours) is zoneinfo.ZoneInfo


def test_utc_without_a_tzid_is_icalendars_utc() -> None:
    assert values.known_zone(None, True) is vDDDTypes.from_ical("20200101T000000Z").tzinfo
    assert values.known_zone(None, False) is None


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet="ab\\,;:nNtx \n", max_size=20))
def test_text_is_unescaped_as_icalendar_unescapes_it(text: str) -> None:
    assert values.unescape_backslash(text) == unescape_backslash(text)


# -- recurring_ical_events.util -----------------------------------------------------------------

LONDON = zoneinfo.ZoneInfo("Europe/London")
SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")
try:  # a window given in a pytz zone (icalendar may bring pytz): localize() and normalize()
    import pytz  # type: ignore[import-untyped]

    PYTZ_ZONES: list[Any] = [pytz.timezone("America/New_York")]
except ImportError:
    PYTZ_ZONES = []

naive = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1))
times = st.one_of(
    st.dates(min_value=date(1900, 1, 2), max_value=date(2100, 1, 1)),
    naive,
    st.builds(
        lambda wall, zone, fold: wall.replace(tzinfo=zone, fold=fold),
        naive,
        st.sampled_from([LONDON, SYDNEY, values.UTC_ZONE, UTC, timezone(timedelta(hours=-5))]),
        st.integers(0, 1),
    ),
    *(st.builds(zone.localize, naive) for zone in PYTZ_ZONES),
)
# Four values near one another, so that spans overlap and touch often.
near = st.builds(
    lambda base, steps: (
        [base + timedelta(hours=step) for step in steps]
        if isinstance(base, datetime)
        else [base + timedelta(days=step) for step in steps]
    ),
    times,
    st.lists(st.integers(-3, 3), min_size=4, max_size=4),
)


def _outcome(function: Any, *args: Any) -> Any:
    try:
        return ("ok", repr(function(*args)))  # repr: the zone and fold too
    except Exception as error:
        return (
            "raised",
            type(error).__name__ if not isinstance(error, ValueError) else "ValueError",
            str(error),
        )


@settings(max_examples=examples(800), deadline=None)
@given(near)
def test_span_overlap_is_recurring_ical_events_own(four: list[Any]) -> None:
    assert _outcome(values.time_span_contains_event, *four) == _outcome(
        util.time_span_contains_event, *four
    )


@settings(max_examples=examples(500), deadline=None)
@given(times, times)
def test_comparisons_are_recurring_ical_events_own(first: Any, second: Any) -> None:
    assert _outcome(values.compare_greater, first, second) == _outcome(
        util.compare_greater, first, second
    )
    for zone in (None, LONDON, values.UTC_ZONE, *PYTZ_ZONES):
        assert _outcome(values.convert_to_datetime, first, zone) == _outcome(
            util.convert_to_datetime, first, zone
        )
    assert values.convert_to_date(first) == util.convert_to_date(first)
    assert values.is_date(first) == util.is_date(first)
    assert values.to_recurrence_ids(first) == util.to_recurrence_ids(first)
    keys = dict.fromkeys([*values.to_recurrence_ids(second)][:1], "moved")
    ids = values.to_recurrence_ids(first)
    assert values.get_any(keys, ids, None) == util.get_any(keys, ids, None)
