"""Ranges of days as people type them (the last day included) and as they are stored (half-open)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kara_tui.domain import DomainError
from kara_tui.domain.timeshow import clock, clock_span
from kara_tui.timeparse import day_start, names_weekday, parse_date, parse_datetime


def is_bare_date(text: str) -> bool:
    """'2026-12-24', 'tomorrow', 'next friday': a day, not an instant (no time of day)."""
    return ":" not in text


def counted_from(last: str, first: date | None, today: date) -> date:
    """The day a range's typed end is read from. A weekday ('mon', 'next mon', 'mon 18:00')
    that, counted from today, would fall before the range's first day counts from that day
    instead, as a person means "fri to mon" (the Monday after that Friday); everything else
    ('2025-01-01 to monday', 'tomorrow', '+3d', a date) counts from today."""
    day = names_weekday(last)
    if first is None or not day:
        return today
    return first if parse_date(day, today) < first else today


def counted_from_typed(first: str, last: str, tz: ZoneInfo, today: date) -> date:
    """``counted_from`` for the typed "from" and "to" of a form: the day its "to" is read from
    (today while the "from" cannot be read yet), for the "to" field's echo and its reading."""
    try:
        start = typed_start(first.strip(), tz, today)
    except DomainError:
        return today
    return counted_from(last, start.astimezone(tz).date(), today)


def days_to_span(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The stored half-open range [first 00:00, the day after last 00:00) of days both included."""
    return day_start(first, tz), day_start(last + timedelta(days=1), tz)


def typed_start(first: str, tz: ZoneInfo, today: date) -> datetime:
    """Where a typed "from" starts: a bare date at its midnight, else the instant given."""
    if is_bare_date(first):
        return day_start(parse_date(first, today), tz)
    return parse_datetime(first, tz, today)


def typed_span(
    first: str,
    last: str,
    tz: ZoneInfo,
    today: date,
    *,
    backwards: str = "the last day is before the first",
) -> tuple[datetime, datetime]:
    """The stored range for a typed "from" and "to": one meaning everywhere, app and CLI.

    A bare date in ``last`` is the last day included ("--from 2026-12-24 --to 2026-12-24" is one
    day); a date with a time is the instant the range ends. A bare ``first`` is its midnight.
    """
    first, last = first.strip(), last.strip()
    start = typed_start(first, tz, today)
    base = counted_from(last, start.astimezone(tz).date(), today)
    if is_bare_date(last):
        end = day_start(parse_date(last, base) + timedelta(days=1), tz)
    else:
        end = parse_datetime(last, tz, base)
    if end <= start:
        raise DomainError(backwards)
    return start, end


def typed_days(
    first: str,
    last: str,
    today: date,
    *,
    backwards: str = "the last day is before the first",
) -> tuple[date, date]:
    """The first and last day (both included) of a typed range of whole days, as a report
    period is: '2026-08-01', 'today', 'monday', '-30d'; a time of day is refused, not cut."""
    days: list[date] = []
    for text, which in ((first, "from"), (last, "to")):
        if not text.strip():
            raise DomainError(f"{which}: a day is needed (2026-08-01, today, -30d)")
        if not is_bare_date(text):
            raise DomainError(f"{which}: '{text.strip()}' has a time of day; give a day")
        try:
            days.append(parse_date(text, counted_from(text, days[0], today) if days else today))
        except DomainError as exc:
            raise DomainError(f"{which}: {exc}") from None
    if days[1] < days[0]:
        raise DomainError(backwards)
    return days[0], days[1]


def whole_days(start: datetime, end: datetime, tz: ZoneInfo) -> tuple[date, date] | None:
    """The first and last day (included) when [start, end) is whole days in ``tz``, else None."""
    a, b = start.astimezone(tz), end.astimezone(tz)
    if a != day_start(a.date(), tz) or b != day_start(b.date(), tz) or b <= a:
        return None
    return a.date(), b.date() - timedelta(days=1)


def _day(d: date | datetime, year: bool = False) -> str:
    """'Fri 4 Dec' (or 'Fri 4 Dec 2026'): the day as the resolved-date echoes say it."""
    return f"{d:%a} {d.day} {d:%b}" + (f" {d.year}" if year else "")


def describe(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """'Thu 24 Dec - Mon 28 Dec 2026, 5 days', 'Thu 24 Dec 2026, 1 day', or with its times."""
    days = whole_days(start, end, tz)
    if days is None:
        a, b = start.astimezone(tz), end.astimezone(tz)
        if a.date() == b.date():
            return f"{_day(a)} {clock_span(start, end, tz)}"
        return f"{_day(a)} {clock(a)} – {_day(b)} {clock(b)}"
    first, last = days
    n = (last - first).days + 1
    count = f"{n} day{'s' if n != 1 else ''}"
    if first == last:
        return f"{_day(first, True)}, {count}"
    return f"{_day(first, first.year != last.year)} – {_day(last, True)}, {count}"
