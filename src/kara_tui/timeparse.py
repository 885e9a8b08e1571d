"""Reading the dates and times people type, in the practice's time zone, refusing the impossible."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kara_tui.domain import DomainError
from kara_tui.domain.model import WEEKDAYS

# The years a time a person gives may fall in: anything else is a typing slip, and near the
# ends of Python's range arithmetic on it (a session's end, a UTC offset) overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2999

_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(word: str) -> int | None:
    word = word.lower()
    for i, (short, full) in enumerate(zip(WEEKDAYS, _FULL_DAYS, strict=True)):
        if word in (short, full):
            return i
    return None


def parse_date(text: str, today: date) -> date:
    """'2026-12-03', 'today', 'tomorrow', 'yesterday', 'monday', 'next monday', '+3d', '-1w'."""
    t = text.strip().lower()
    if t in ("today", "now"):
        return today
    if t == "tomorrow":
        return today + timedelta(days=1)
    if t == "yesterday":
        return today - timedelta(days=1)
    m = re.fullmatch(r"([+-]\d{1,7})\s*([dw])", t)
    if m:
        n = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        try:
            day = today + timedelta(days=n)
        except OverflowError:
            raise DomainError(f"'{text}' is too far from today") from None
        check_year(day, text)
        return day
    words = t.split()
    if len(words) == 1 or (len(words) == 2 and words[0] in ("next", "this")):
        wd = _weekday(words[-1])
        if wd is not None:
            ahead = (wd - today.weekday()) % 7
            if words[0] == "next" and ahead == 0:
                ahead = 7
            return today + timedelta(days=ahead)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        try:
            day = date.fromisoformat(t)
        except ValueError:
            raise DomainError(f"{text} is not a day of the calendar") from None
        check_year(day, text)
        return day
    raise DomainError(
        f"'{text}' is not a date I can read (try 2026-12-03, tomorrow or next monday)"
    )


def check_year(value: date, text: str | None = None) -> None:
    """Refuse a day outside FIRST_YEAR..LAST_YEAR, naming what was typed."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        shown = f"'{text}'" if text is not None else f"{value:%Y-%m-%d}"
        raise DomainError(
            f"{shown} is out of range: kara-tui keeps years {FIRST_YEAR} to {LAST_YEAR}"
        )


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """Attach ``tz``, refusing a wall time the clocks skip; ambiguous times take the first."""
    aware = naive.replace(tzinfo=tz, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != naive:
        raise DomainError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks go forward then"
        )
    return aware


def parse_datetime(text: str, tz: ZoneInfo, today: date) -> datetime:
    """An aware datetime from '2026-11-23 10:00', '2026-11-23T10:00+01:00', 'tomorrow 9:30'.

    Times without an offset are read in the practice time zone.
    """
    t = text.strip()
    if not t:
        raise DomainError("a time is needed")
    if not t.isprintable():  # fromisoformat takes any character between date and time
        raise DomainError(f"'{text}' is not a date and time I can read (a control character)")
    iso = t.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} ", t) else t
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = None
    if parsed is not None:
        check_year(parsed.date(), text)
        if parsed.tzinfo is not None:
            return parsed
        return localize(parsed, tz)
    parts = t.rsplit(" ", 1)
    if len(parts) == 2 and re.fullmatch(r"\d{1,2}:\d{2}", parts[1]):
        day = parse_date(parts[0], today)
        try:
            hh, mm = (int(x) for x in parts[1].split(":"))
            at = time(hh, mm)
        except ValueError as exc:
            raise DomainError(f"'{parts[1]}' is not a time of day") from exc
        return localize(datetime.combine(day, at), tz)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        return localize(datetime.combine(parse_date(t, today), time(0)), tz)
    raise DomainError(
        f"'{text}' is not a date and time I can read (try '2026-11-23 10:00' or 'tomorrow 09:30')"
    )


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Midnight of ``day`` in ``tz`` (or the first instant of the day where midnight is skipped)."""
    naive = datetime.combine(day, time(0))
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz)
