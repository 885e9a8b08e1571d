"""Reading the dates and times people type, in the practice's time zone, refusing the impossible."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from kara_tui.domain import DomainError
from kara_tui.domain.weekdays import WEEKDAYS

# The years a time a person gives may fall in: anything else is a typing slip, and near the
# ends of Python's range arithmetic on it (a session's end, a UTC offset) overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2999

_UNREADABLE = (
    "'{text}' is not a date and time I can read (try '2026-11-23 10:00' or 'tomorrow 09:30')"
)
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(word: str) -> int | None:
    word = word.lower()
    for i, (short, full) in enumerate(zip(WEEKDAYS, _FULL_DAYS, strict=True)):
        if word in (short, full):
            return i
    return None


def names_weekday(text: str) -> str:
    """The weekday ``text`` begins with, as ``parse_date`` reads it ('fri', 'next monday' of
    'next monday 14:00'), or '' when it begins with none."""
    words = text.strip().lower().split()
    said = words[:2] if words[:1] in (["next"], ["this"]) else words[:1]
    return " ".join(said) if said and _weekday(said[-1]) is not None else ""


class UnreadableDate(DomainError):
    """Text that is no date at all (not an impossible one, such as 2026-02-30)."""


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
    raise UnreadableDate(
        f"'{text}' is not a date I can read (try 2026-12-03, tomorrow or next monday)"
    )


class AmbiguousTime(DomainError):
    """A wall time that happens twice (the clocks go back): the user has to say which.

    ``choices`` are both instants, earlier first; each one's ``field_text`` and ``label``
    read back unambiguously through ``parse_datetime``.
    """

    def __init__(self, naive: datetime, tz: ZoneInfo) -> None:
        self.naive = naive
        self.zone = tz
        self.choices = (naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1))
        first, second = (field_text(c) for c in self.choices)
        a, b = (c.tzname() for c in self.choices)
        super().__init__(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {tz.key} (the clocks go back): "
            f"say which with its offset, '{first}' ({a}) or '{second}' ({b})"
        )


def offset_text(when: datetime) -> str:
    """'+01:00': the UTC offset of an aware time."""
    offset = when.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def field_text(when: datetime) -> str:
    """'2027-10-31 01:30+01:00': a time with its offset, as a field can hold it."""
    return f"{when:%Y-%m-%d %H:%M}{offset_text(when)}"


def label(when: datetime) -> str:
    """'01:30 BST (+01:00)': one of the two readings of a time that happens twice."""
    return f"{when:%H:%M} {when.tzname()} ({offset_text(when)})"


def check_year(value: date, text: str | None = None) -> None:
    """Refuse a day outside FIRST_YEAR..LAST_YEAR, naming what was typed."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        shown = f"'{text}'" if text is not None else f"{value:%Y-%m-%d}"
        raise DomainError(
            f"{shown} is out of range: kara-tui keeps years {FIRST_YEAR} to {LAST_YEAR}"
        )


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """Attach ``tz``, refusing a wall time the clocks skip and asking which of a time that
    happens twice (AmbiguousTime): taking the first silently books the wrong hour."""
    aware = naive.replace(tzinfo=tz, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != naive:
        raise DomainError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks go forward then"
        )
    if aware.utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        raise AmbiguousTime(naive, tz)
    return aware


def fixed(when: datetime) -> datetime:
    """The same instant with a fixed offset: a ``fold=1`` time in a zone compares unequal to
    every time in another zone (PEP 495), so a chosen reading leaves the parser like this."""
    return when.astimezone(timezone(when.utcoffset() or timedelta(0)))


def plus_minutes(start: datetime, minutes: int) -> datetime:
    """``start`` plus elapsed minutes, on the UTC timeline: 01:30 BST + 50 min on the night
    the clocks go back is 01:20 GMT, not 02:20 (aware arithmetic in one zone is wall-clock)."""
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(start.tzinfo)


def _with_abbreviation(text: str, tz: ZoneInfo, today: date) -> datetime | None:
    """'2027-10-31 01:30 GMT': a time followed by the zone's own abbreviation for one of its
    offsets, which says which of a time that happens twice is meant. None if not that shape."""
    m = re.fullmatch(r"(.+\d)\s+([A-Za-z]{2,5})", text)
    if m is None:
        return None
    abbreviation = m.group(2).upper()
    try:
        when = parse_datetime(m.group(1), tz, today)
    except AmbiguousTime as twice:
        for choice in twice.choices:
            if choice.tzname() == abbreviation:
                return fixed(choice)
        raise
    if when.tzname() != abbreviation:
        raise DomainError(
            f"'{text}': {when:%Y-%m-%d %H:%M} is {when.tzname()} in {tz.key}, not {abbreviation}"
        )
    return when


def _time_of_day(text: str) -> time | None:
    """A time of day as people type it after a day: '9:30', '09:30', '9.30', '10h30', '10h',
    '10' (on the hour), '10am', '3:30pm', '12pm' (noon), '12am' (midnight). None if it is not
    that shape; a DomainError if it is, but no time ('25:00', '13pm')."""
    m = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?(h|am|pm)?", text.lower())
    if m is None:
        return None
    hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise DomainError(f"'{text}' is not a time of day")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    try:
        return time(hour, minute)
    except ValueError:
        raise DomainError(f"'{text}' is not a time of day") from None


def parse_datetime(text: str, tz: ZoneInfo, today: date) -> datetime:
    """An aware datetime from '2026-11-23 10:00', '2026-11-23T10:00+01:00', 'tomorrow 9:30',
    'fri 10am', 'next monday 14' (a day, then a time of day as ``_time_of_day`` reads it).

    Times without an offset are read in the practice time zone; one that happens twice
    raises AmbiguousTime (a DomainError saying how to give the offset), and a trailing zone
    abbreviation ('01:30 GMT') or an offset ('01:30+00:00') says which.
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
    parts = re.sub(r"\s+([ap]m)$", r"\1", t, flags=re.IGNORECASE).rsplit(" ", 1)
    at = _time_of_day(parts[1]) if len(parts) == 2 else None
    if at is not None:
        try:
            day = parse_date(parts[0], today)
        except UnreadableDate:  # 'yesterday at 7pm': the whole of it is what was not read
            raise DomainError(_UNREADABLE.format(text=text)) from None
        return localize(datetime.combine(day, at), tz)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        return localize(datetime.combine(parse_date(t, today), time(0)), tz)
    abbreviated = _with_abbreviation(t, tz, today)
    if abbreviated is not None:
        return abbreviated
    raise DomainError(_UNREADABLE.format(text=text))


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Midnight of ``day`` in ``tz`` (or the first instant of the day where midnight is skipped)."""
    naive = datetime.combine(day, time(0))
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz)


def parse_moment(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """Like parse_datetime, and 'now' is this very minute (a notice given while you type)."""
    if text.strip().lower() == "now":
        return now.astimezone(tz)
    return parse_datetime(text, tz, now.astimezone(tz).date())
