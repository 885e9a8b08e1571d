"""properties.wall_value reads "YYYYMMDD" and "YYYYMMDDTHHMMSS" with fromisoformat: it must
give what reading each field with int() gave, value or ValueError, for every text, and
refuse what fromisoformat accepts but the old reading refused ("2026-12-07", "20261207T12")."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kara_tui.ical.expand.properties import When, wall_value
from support.examples import examples


def _old(t: str) -> datetime | date:
    """wall_value() before fromisoformat, verbatim."""
    if len(t) == 8:
        return date(int(t[:4]), int(t[4:6]), int(t[6:8]))
    return datetime(
        int(t[:4]), int(t[4:6]), int(t[6:8]), int(t[9:11]), int(t[11:13]), int(t[13:15])
    )


def _outcome(read, text: str) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    try:
        value = read(text)
    except (ValueError, IndexError) as error:
        return "error", type(error)
    return type(value).__name__, value


def _same(text: str) -> None:
    assert _outcome(lambda t: wall_value(When(t, None, False)), text) == _outcome(_old, text)


_DIGITS = st.text("0123456789", min_size=1, max_size=1)
_ODD = st.text("0123456789T-:+.,Z zW\u0661\uff11", min_size=1, max_size=1)


@settings(max_examples=examples(3000))
@given(st.lists(_DIGITS, min_size=8, max_size=8).map("".join))
@example("20261207")
@example("20240229")
@example("20250229")
@example("00000101")
@example("00010101")
@example("99991231")
def test_every_date_shape_reads_as_before(text: str) -> None:
    _same(text)


@st.composite
def _date_times(draw: st.DrawFn) -> str:
    year = draw(st.integers(0, 9999))
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    hour, minute, second = (
        draw(st.integers(0, 25)),
        draw(st.integers(0, 61)),
        draw(st.integers(0, 61)),
    )
    return f"{year:04d}{month:02d}{day:02d}T{hour:02d}{minute:02d}{second:02d}"


@settings(max_examples=examples(3000))
@given(_date_times())
@example("20261207T120000")
@example("20261207T240000")
@example("20261207T235960")
@example("20240229T000000")
def test_every_date_time_shape_reads_as_before(text: str) -> None:
    _same(text)


@settings(max_examples=examples(3000))
@given(st.lists(_ODD, min_size=0, max_size=20).map("".join) | st.text(max_size=20))
def test_any_other_text_reads_as_before(text: str) -> None:
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-07",  # fromisoformat reads it; RFC 5545 does not write it
        "20261207T12",
        "20261207T1200",
        "2026W011",
        "2026-12-07T12:00",
        "20261207X120000",  # the old reading skipped the T: still so
        "\uff12\uff10\uff12\uff16\uff11\uff12\uff10\uff17",  # full-width digits, read by int()
        "2026120\u0667",
    ],
)
def test_forms_fromisoformat_accepts_are_read_as_before(text: str) -> None:
    _same(text)


def test_the_dashed_date_is_still_refused() -> None:
    with pytest.raises(ValueError):
        wall_value(When("2026-12-07", None, False))
    with pytest.raises(ValueError):
        wall_value(When("20261207T12", None, False))
