"""The one check of typed text (length, control characters), its display form, ISO 4217,
and the bounds on years and amounts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kara_tui.domain import DomainError, Money, TimeOff, text
from kara_tui.domain.currencies import ISO_4217, check_iso_currency
from kara_tui.domain.money import MAX_MINOR, MoneyError
from kara_tui.domain.text import NAME, NOTE, check_text, escape_controls
from kara_tui.policy.time_off import block_for
from kara_tui.timeparse import parse_date, parse_datetime

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 16)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Evil\x1b]0;title\x07", r"control characters \(ESC\)"),
        ("bell\x07", r"\(BEL\)"),
        ("two\nlines", r"\(a line break\)"),
        ("cr\rhere", r"\(a line break\)"),
        ("tab\there", r"\(a tab\)"),
        ("del\x7f", r"\(U\+007F\)"),
        ("csi\x9b2J", r"\(U\+009B\)"),
        ("bidi\u202etxt.exe", r"\(U\+202E\)"),
        ("bytes\udcff", r"\(U\+DCFF\)"),
        ("x" * (NAME + 1), rf"at most {NAME} characters \(this one has {NAME + 1}\)"),
        ("   ", "cannot be empty"),
    ],
)
def test_a_one_line_text_refuses(value: str, message: str) -> None:
    with pytest.raises(DomainError, match=f"^a client's name .*{message}"):
        check_text(value, "a client's name", NAME, required=True)


def test_a_one_line_text_is_kept_stripped() -> None:
    assert check_text("  Zoë O'Brien-Łukasz 李  ", "a name", NAME) == "Zoë O'Brien-Łukasz 李"
    assert check_text("x" * NAME, "a name", NAME) == "x" * NAME


def test_a_multi_line_text_keeps_lines_and_tabs_only() -> None:
    assert check_text("a\r\nb\tc\n", "a note", NOTE, multiline=True) == "a\nb\tc"
    with pytest.raises(DomainError, match="ESC"):
        check_text("a\n\x1b[2J", "a note", NOTE, multiline=True)
    with pytest.raises(DomainError, match="line break"):
        check_text("a\rb", "a note", NOTE, multiline=True)  # a lone CR rewrites a line


def test_escape_controls_shows_what_would_drive_the_terminal() -> None:
    assert escape_controls("Evil\x1b]0;t\x07") == "Evil\\x1b]0;t\\x07"
    assert escape_controls("a\nb", keep="\n") == "a\nb"
    assert escape_controls("a\nb") == "a\\x0ab"
    assert escape_controls("x\u202ey\udcff\x7f") == "x\\u202ey\\udcff\\u007f"
    assert escape_controls("Zoë 李 — ok") == "Zoë 李 — ok"
    assert escape_controls("a\tb\n\x1b\n", keep="\n\t") == "a\tb\n\\x1b\n"


def test_a_printable_line_is_written_without_compiling_the_control_scan() -> None:
    """A command's output lines end in line breaks it keeps: the scan for control
    characters (slow to compile) is compiled only for text that has one to escape."""
    text._controls.cache_clear()
    assert escape_controls("Work: 5 added\n\tnote\n", keep="\n\t") == "Work: 5 added\n\tnote\n"
    assert escape_controls("Zoë 李") == "Zoë 李"
    assert text._controls.cache_info().currsize == 0
    assert escape_controls("\x1b\n", keep="\n") == "\\x1b\n"
    assert text._controls.cache_info().currsize == 1


def test_currencies_are_iso_4217() -> None:
    assert {"GBP", "EUR", "USD", "JPY", "CHF", "XCD", "XOF"} <= ISO_4217
    assert not {"XYZ", "XXX", "XTS", "XAU", "ABC"} & ISO_4217
    assert check_iso_currency(" gbp ") == "GBP"
    for bad in ("XYZ", "XTS", "AAA"):
        with pytest.raises(MoneyError, match="not an ISO 4217 currency code"):
            check_iso_currency(bad)


def test_an_amount_larger_than_kept_is_refused() -> None:
    assert Money.parse("9999999.99", "GBP").minor == MAX_MINOR
    for huge in ("10000000.00", "1" + "0" * 30, "9" * 5000):
        with pytest.raises(MoneyError, match="too large"):
            Money.parse(huge, "GBP")


@pytest.mark.parametrize(
    "text", ["9999-12-31 23:30", "0001-01-01 00:00", "1899-12-31 10:00", "3000-01-01T00:00+00:00"]
)
def test_a_time_outside_the_years_kept_is_refused(text: str) -> None:
    with pytest.raises(DomainError, match="out of range: kara-tui keeps years 1900 to 2999"):
        parse_datetime(text, LONDON, TODAY)


@pytest.mark.parametrize("text", ["9999-12-31", "+99999999d", "-9999999w", "0001-01-01"])
def test_a_day_outside_the_years_kept_is_refused(text: str) -> None:
    with pytest.raises(DomainError):
        parse_date(text, TODAY)


def block(i: int, start: int, end: int) -> TimeOff:
    return TimeOff(i, datetime(2026, 12, start, tzinfo=UTC), datetime(2026, 12, end, tzinfo=UTC))


def test_block_for_reuses_extends_or_adds() -> None:
    d = lambda day: datetime(2026, 12, day, tzinfo=UTC)  # noqa: E731
    existing = [block(1, 1, 4), block(2, 10, 12)]
    assert block_for(existing, d(1), d(4)).reuse == 1
    assert (block_for(existing, d(2), d(3)).reuse, block_for(existing, d(2), d(3)).start) == (
        1,
        d(1),
    )
    wider = block_for(existing, d(3), d(6))
    assert (wider.reuse, wider.start, wider.end) == (1, d(1), d(6))
    assert wider.extends(existing[0])
    touching = block_for(existing, d(12), d(13))
    assert (touching.reuse, touching.start, touching.end) == (2, d(10), d(13))
    apart = block_for(existing, d(20), d(21))
    assert (apart.reuse, apart.start, apart.end) == (None, d(20), d(21))
