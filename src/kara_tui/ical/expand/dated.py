"""The instances of a plain all-day MONTHLY or YEARLY series in a window, by calendar arithmetic.

A birthdays calendar is a thousand ``DTSTART;VALUE=DATE`` series with ``RRULE:FREQ=YEARLY``,
each with one or two instances in the window. ``fast.Reader.expand`` gives them by the general
walk (``rules.rule_instances`` with its bounds in the series' zone, DTSTART as its own
instance, EXDATEs and overrides looked up). For a series with none of those (no COUNT, no
BYDAY, no EXDATE, no override) the same instances are the days of the rule's periods, on
DTSTART's day of the month (RFC 5545: a YEARLY rule from a DATE start keeps its month and
day; a period without that day, a 29 February or a 31st, has no instance), from DTSTART
to UNTIL, whose midnights fall in the span the walk asks for. ``Days`` finds those, with
what depends only on the window, the series' length or the rule's text read once.
tests/unit/ical/test_fastpath.py holds the series it gives to the full path's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from kara_tui.ical.expand.plain import rule_parts

_ONE_DAY, _TWO_DAYS = timedelta(days=1), timedelta(days=2)
_MIDNIGHT = time(0)


@lru_cache(maxsize=4096)
def steps(rule: str) -> tuple[int, date | None] | None:
    """The months between a rule's periods and its UNTIL day, when ``Days`` reads the rule:
    MONTHLY or YEARLY, without COUNT or BYDAY (WKST changes nothing then), UNTIL a DATE or
    none; else None. Once per rule text, as rule_parts()."""
    parts = rule_parts(rule)
    if parts is None or "COUNT" in parts or "BYDAY" in parts:
        return None
    freq = parts["FREQ"]
    if freq not in ("MONTHLY", "YEARLY"):
        return None
    until_text = parts.get("UNTIL")
    until = None
    if until_text is not None:
        if len(until_text) != 8:
            return None
        until = date(int(until_text[:4]), int(until_text[4:6]), int(until_text[6:8]))
    return int(parts.get("INTERVAL", "1")) * (12 if freq == "YEARLY" else 1), until


class Days:
    """The instances of all-day series in one window: ``window_start`` and ``window_end``
    (aware, as ``Reader.expand`` is given them), ``inside`` its test of a (start, end) pair."""

    def __init__(
        self, window_start: datetime, window_end: datetime, inside: Callable[[date, date], bool]
    ) -> None:
        self.window_start, self.window_end = window_start, window_end
        # convert_to_datetime(..., None) of a pytz time normalizes it first: left to the walk
        self.usable = not (
            hasattr(window_start.tzinfo, "localize") or hasattr(window_end.tzinfo, "localize")
        )
        self._inside = inside
        self._spans: dict[timedelta, tuple[date, date, int]] = {}
        self._seen: dict[tuple[date, date], bool] = {}
        # The days found from a period on, by (period, day of the month, months between
        # periods, UNTIL, length): a thousand birthdays walk a few hundred such ways.
        self._walks: dict[tuple[int, int, int, date | None, timedelta], list[date] | None] = {}

    def _span(self, length: timedelta) -> tuple[date, date, int]:
        """For series of this length: the first and last day whose midnight is in the span the
        walk asks for (the window less the length, as naive wall times: convert_to_datetime(...,
        None) of the aware ends), and the period (year * 12 + month - 1) that _calendar_walk
        skips to, that of two days before the span's start."""
        after = (self.window_start - length).replace(tzinfo=None)
        before = self.window_end.replace(tzinfo=None)
        low = after.date() if after.time() == _MIDNIGHT else after.date() + _ONE_DAY
        skip_to = after.date() - _TWO_DAYS
        span = self._spans[length] = low, before.date(), skip_to.year * 12 + skip_to.month - 1
        return span

    def instances(self, rule: str, first: date, length: timedelta) -> list[date] | None:
        """The days of the series from ``first`` (DTSTART) of ``length`` (its end less its
        start) in the window, in order (a list shared by the series that find the same:
        not to be changed); None when ``steps`` does not read the rule or the walk would
        pass the year 9999 (the general walk raises there)."""
        found = steps(rule)
        if found is None:
            return None
        months, until = found
        period = first.year * 12 + first.month - 1
        skip_to = (self._spans.get(length) or self._span(length))[2]
        if skip_to > period:  # _calendar_walk's skip: earlier periods are all before the span
            period += (skip_to - period) // months * months
        # From DTSTART's period on, every day on DTSTART's day of the month is on or after
        # DTSTART: the walk depends on nothing else of it.
        key = period, first.day, months, until, length
        if key in self._walks:
            return self._walks[key]
        days = self._walks[key] = self._walk(period, first.day, months, until, length)
        return days

    def _walk(
        self, period: int, day: int, months: int, until: date | None, length: timedelta
    ) -> list[date] | None:
        """instances() from ``period`` on, of a series on ``day`` of the month."""
        low, high, _ = self._spans[length]
        days: list[date] = []
        seen = self._seen
        while True:
            year, month = divmod(period, 12)
            if year > 9999:
                return None
            period += months
            try:
                when = date(year, month + 1, day)
            except ValueError:
                continue  # a month without that day (29 February, a 31st) has no instance
            if when > high or (until is not None and when > until):
                return days  # a midnight after the span's end or UNTIL ends the rule
            if when >= low:
                key = when, when + length
                inside = seen.get(key)
                if inside is None:
                    inside = seen[key] = self._inside(*key)
                if inside:
                    days.append(when)
