"""What a typed date or time resolves to, shown beside the field as the person types.

"next friday" on a Monday is this week's Friday to some and next week's to others: the echo
names the day the program will use, so nobody has to guess.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kara_tui.dayspan import is_bare_date
from kara_tui.domain import DomainError
from kara_tui.domain.timeshow import moment
from kara_tui.timeparse import parse_date, parse_moment

UNREAD = "?"


def day_echo(text: str, today: date, *, short: bool = False) -> str:
    """'→ Fri 11 Dec 2026' for a typed date; '' when empty, '?' while it cannot be read.

    ``short`` leaves out the year when it is this year (for a narrow row).
    """
    if not text.strip():
        return ""
    try:
        day = parse_date(text, today)
    except DomainError:
        return UNREAD
    if short and day.year == today.year:
        return f"→ {day:%a} {day.day} {day:%b}"
    return f"→ {day:%a} {day.day} {day:%b %Y}"


def moment_echo(text: str, tz: ZoneInfo, now: datetime) -> str:
    """'→ Fri 11 Dec 2026 10:00' for a typed date and time ('now' included)."""
    if not text.strip():
        return ""
    try:
        value = parse_moment(text, tz, now)
    except DomainError:
        return UNREAD
    return moment_shown(value, tz)


def moment_shown(value: datetime, tz: ZoneInfo) -> str:
    """'→ Fri 11 Dec 2026 10:00': an instant already read, in the practice's zone."""
    return f"→ {moment(value, tz)}"


def day_or_moment_echo(text: str, tz: ZoneInfo, now: datetime) -> str:
    """A bare date echoes as a day, a date with a time as a moment."""
    if is_bare_date(text):
        return day_echo(text, now.astimezone(tz).date())
    return moment_echo(text, tz, now)
