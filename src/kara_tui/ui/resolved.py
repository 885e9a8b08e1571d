"""What a typed date or time resolves to, shown beside the field as the person types.

"next friday" on a Monday is this week's Friday to some and next week's to others: the echo
names the day the program will use, so nobody has to guess.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from kara_tui.dayspan import is_bare_date
from kara_tui.domain import DomainError
from kara_tui.domain.timeshow import moment
from kara_tui.timeparse import parse_date, parse_moment

UNREAD = "?"
T = TypeVar("T")


def echoed(text: str, read: Callable[[str], T], shown: Callable[[T], str]) -> str:
    """What ``read`` makes of ``text``, as ``shown`` says it; '' when empty, '?' while it
    cannot be read. Every echo beside a typed date or time is one of these."""
    if not text.strip():
        return ""
    try:
        value = read(text)
    except DomainError:
        return UNREAD
    return shown(value)


def day_echo(text: str, today: date, *, short: bool = False) -> str:
    """'→ Fri 11 Dec 2026' for a typed date; '' when empty, '?' while it cannot be read.

    ``short`` leaves out the year when it is this year (for a narrow row).
    """

    def shown(day: date) -> str:
        if short and day.year == today.year:
            return f"→ {day:%a} {day.day} {day:%b}"
        return f"→ {day:%a} {day.day} {day:%b %Y}"

    return echoed(text, lambda typed: parse_date(typed, today), shown)


def moment_echo(text: str, tz: ZoneInfo, now: datetime) -> str:
    """'→ Fri 11 Dec 2026 10:00' for a typed date and time ('now' included)."""
    return echoed(text, lambda typed: parse_moment(typed, tz, now), lambda v: moment_shown(v, tz))


def moment_shown(value: datetime, tz: ZoneInfo) -> str:
    """'→ Fri 11 Dec 2026 10:00': an instant already read, in the practice's zone."""
    return f"→ {moment(value, tz)}"


def day_or_moment_echo(text: str, tz: ZoneInfo, now: datetime) -> str:
    """A bare date echoes as a day, a date with a time as a moment."""
    if is_bare_date(text):
        return day_echo(text, now.astimezone(tz).date())
    return moment_echo(text, tz, now)
