"""The instances of a plain all-day MONTHLY or YEARLY series in a window, by calendar arithmetic.

A birthdays calendar is a thousand ``DTSTART;VALUE=DATE`` series with ``RRULE:FREQ=YEARLY``,
each with one or two instances in the window. ``fast.Reader.expand`` gives them by the general
walk (``rules.rule_instances`` with its bounds in the series' zone, DTSTART as its own
instance, EXDATEs and overrides looked up). For a series with none of those (no COUNT, no
BYDAY, no EXDATE, no override) the same instances are the days of the rule's periods, on
DTSTART's day of the month (RFC 5545: a YEARLY rule from a DATE start keeps its month and
day; a period without that day, a 29 February or a 31st, has no instance), from DTSTART
to UNTIL, whose midnights fall in the span the walk asks for. ``days`` finds those.
tests/unit/ical/test_fastpath.py holds the series it gives to the full path's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

_ONE_DAY, _TWO_DAYS = timedelta(days=1), timedelta(days=2)
_MIDNIGHT = time(0)


def days(
    parts: Mapping[str, str], first: date, after: datetime, before: datetime
) -> list[date] | None:
    """The instance days of an all-day rule from ``first`` (DTSTART) whose midnights are
    within [``after``, ``before``] (naive wall times, as ``Reader.expand`` asks
    ``rule_instances`` for them; DTSTART itself included, as its own instance is); None
    when the rule is not one this reads (COUNT, BYDAY, DAILY or WEEKLY, an UNTIL that is
    not a DATE) or the walk would pass the year 9999 (the general walk raises there)."""
    freq = parts["FREQ"]
    if "COUNT" in parts or "BYDAY" in parts or freq not in ("MONTHLY", "YEARLY"):
        return None
    until_text = parts.get("UNTIL")
    until = None
    if until_text is not None:
        if len(until_text) != 8:
            return None
        until = date(int(until_text[:4]), int(until_text[4:6]), int(until_text[6:8]))
    months = int(parts.get("INTERVAL", "1")) * (12 if freq == "YEARLY" else 1)
    day = first.day
    # A day's midnight is within the bounds when the day is from ``low`` to ``high``.
    low = after.date() if after.time() == _MIDNIGHT else after.date() + _ONE_DAY
    high = before.date()
    # As _calendar_walk: start at the last period on DTSTART's steps that begins on or
    # before the month two days before ``after`` (earlier periods are all before it).
    skip_to = after.date() - _TWO_DAYS
    period = first.year * 12 + first.month - 1
    period += max(0, (skip_to.year * 12 + skip_to.month - 1 - period) // months) * months
    found: list[date] = []
    while True:
        year, month = divmod(period, 12)
        month += 1
        if year > 9999:
            return None
        period += months
        try:
            when = date(year, month, day)
        except ValueError:
            continue  # a month without that day (29 February, a 31st) has no instance
        if when > high or (until is not None and when > until):
            return found  # a midnight after ``before`` or UNTIL ends the rule
        if when >= first and when >= low:
            found.append(when)
