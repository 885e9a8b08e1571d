"""A recurrence rule's instances by dateutil's own steps, without dateutil: the fast path's
rule engine (tests/unit/ical/test_fastpath.py holds it to dateutil on random rules)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from kara_tui.ical.expand.plain import RULE_DAYS

_WEEKDAY_NUMBERS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


# More than two UTC offsets apart (each is strictly within a day, as datetime requires).
_OFFSETS_APART = timedelta(days=2)


def sure_before(moment: datetime, zone: tzinfo) -> datetime:
    """A time in ``zone`` before ``moment`` (aware), such that any time of ``zone`` whose
    wall clock is not after it is an instant before ``moment``.

    Times that share a tzinfo compare by their wall clocks alone, without utcoffset()
    (two zone lookups); so ``t > sure_before(m, t.tzinfo) and t > m`` is ``t > m`` for
    each instance of a series, at the cost of the first test for all but the few within
    two days of ``m``: ``moment``'s UTC wall clock in ``zone``, less two days, is further
    from it than any two UTC offsets (no fromutc() of ``zone`` is trusted either).
    """
    return moment.astimezone(UTC).replace(tzinfo=zone) - _OFFSETS_APART


def sure_after(moment: datetime, zone: tzinfo) -> datetime:
    """sure_before() the other way: any time of ``zone`` whose wall clock is not before it
    is an instant after ``moment``."""
    return moment.astimezone(UTC).replace(tzinfo=zone) + _OFFSETS_APART


def rule_instances(
    parts: Mapping[str, str], dtstart: datetime, after: datetime, before: datetime
) -> list[datetime]:
    """``rrulestr(rule, dtstart=dtstart).between(after, before, inc=True)`` for a DAILY,
    WEEKLY, MONTHLY or YEARLY rule that plain_series() accepted, in a tenth of dateutil's time.

    dateutil's own steps: the rule's wall-clock time of day on each matching day,
    in ``dtstart``'s zone (fold 0), weeks starting on WKST (the first one partial,
    from ``dtstart``'s day), INTERVAL periods apart; COUNT counts from ``dtstart``,
    an instance after UNTIL ends the rule, one after ``before`` ends the walk.
    Tests hold it to dateutil on random rules, zones and DST changes.
    """
    until = until_value(parts["UNTIL"]) if "UNTIL" in parts else None
    if until is not None and (dtstart.tzinfo is None) != (until.tzinfo is None):
        raise ValueError("RRULE UNTIL values must be specified in UTC when DTSTART is aware")
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    if parts["FREQ"] not in ("MONTHLY", "YEARLY"):
        walk = _day_walk(parts, dtstart)  # closer_start() moved DTSTART on already
    else:
        walk = _calendar_walk(
            parts, dtstart, None if count is not None else _day_of(after, dtstart)
        )
    out: list[datetime] = []
    # Bounds in DTSTART's zone that decide most instances by their wall clock (see
    # sure_before); each test still ends in the instant comparison where they do not.
    zone = dtstart.tzinfo
    near_until, near_before, far_after = until, before, after
    if zone is not None:
        if until is not None:
            near_until = sure_before(until, zone)
        if before.tzinfo is not None:
            near_before = sure_before(before, zone)
        if after.tzinfo is not None:
            far_after = sure_after(after, zone)
    for instance in walk:
        if (
            until is not None
            and near_until is not None
            and instance > near_until
            and instance > until
        ):
            break
        if count is not None:
            if count == 0:
                break
            count -= 1
        if instance > near_before and instance > before:
            break
        if instance >= far_after or instance >= after:
            out.append(instance)
    return out


def _day_walk(parts: Mapping[str, str], dtstart: datetime) -> Iterator[datetime]:
    """A DAILY or WEEKLY rule's candidate instances from ``dtstart`` on, without end: the
    rule's wall-clock time on each matching day, weeks starting on WKST (the first one
    partial, from ``dtstart``'s day), INTERVAL periods apart."""
    interval = int(parts.get("INTERVAL", "1"))
    clock = time(dtstart.hour, dtstart.minute, dtstart.second, tzinfo=dtstart.tzinfo)
    first = dtstart.toordinal()
    if parts["FREQ"] == "DAILY":
        offsets: list[int] = [0]
        period = first
        step = interval
    else:
        if "WKST" in parts:
            wkst = _WEEKDAY_NUMBERS[parts["WKST"]]
        else:
            import calendar  # loaded by the rules that need it: a birthdays feed's never do

            wkst = calendar.firstweekday()
        days = (
            {_WEEKDAY_NUMBERS[day] for day in parts["BYDAY"].split(",")}
            if "BYDAY" in parts
            else {dtstart.weekday()}
        )
        offsets = sorted((day - wkst) % 7 for day in days)
        period = first - (dtstart.weekday() - wkst) % 7
        step = 7 * interval
    fromordinal, combine = date.fromordinal, datetime.combine
    while True:
        for offset in offsets:
            ordinal = period + offset
            if ordinal >= first:
                yield combine(fromordinal(ordinal), clock)
        period += step


def _day_of(after: datetime, dtstart: datetime) -> date | None:
    """``after``'s day on ``dtstart``'s wall clock, two days early (a zone's offset changes by
    less than that), or None when one is aware and the other is not."""
    if (after.tzinfo is None) != (dtstart.tzinfo is None):
        return None
    local = after if after.tzinfo is None else after.astimezone(dtstart.tzinfo)
    return local.date() - timedelta(days=2)


def _calendar_walk(
    parts: Mapping[str, str], dtstart: datetime, skip_to: date | None
) -> Iterator[datetime]:
    """A MONTHLY or YEARLY rule's candidate instances, by dateutil's steps: INTERVAL months
    (or years) apart from DTSTART's; in each, the days BYDAY names (every such weekday, or
    the nth from the start or the end of the month), else DTSTART's day of the month (and,
    for YEARLY, its month), a period without that day (the 31st, 29 February) yielding
    nothing.

    Without COUNT no period's days depend on an earlier period (RFC 5545: the BYxxx parts
    act within each period), so with ``skip_to`` the walk starts at the last period (on
    DTSTART's INTERVAL steps) that begins on or before that day's month: a birthday from
    1950 takes one step, not 77, to reach the window.
    """
    months = int(parts.get("INTERVAL", "1")) * (12 if parts["FREQ"] == "YEARLY" else 1)
    clock = time(dtstart.hour, dtstart.minute, dtstart.second, tzinfo=dtstart.tzinfo)
    first = dtstart.date()
    byday = parts["BYDAY"].split(",") if "BYDAY" in parts else None
    period = dtstart.year * 12 + dtstart.month - 1
    if skip_to is not None:
        period += max(0, (skip_to.year * 12 + skip_to.month - 1 - period) // months) * months
    while True:
        year, month = divmod(period, 12)
        month += 1
        if year > 9999:
            raise ValueError("the rule runs past the year 9999")
        for day in _month_days(year, month, byday, first.day):
            when = date(year, month, day)
            if when >= first:
                yield datetime.combine(when, clock)
        period += months


def _month_days(year: int, month: int, byday: list[str] | None, day: int) -> list[int]:
    """The days of one month a MONTHLY or YEARLY rule picks, in order."""
    if byday is None and day <= 28:
        return [day]  # every month has it
    import calendar  # see _day_walk

    length = calendar.monthrange(year, month)[1]
    if byday is None:
        return [day] if day <= length else []
    offset = date(year, month, 1).weekday()
    days: set[int] = set()
    for item in byday:
        first = 1 + (_WEEKDAY_NUMBERS[item[-2:]] - offset) % 7
        matching = range(first, length + 1, 7)
        if len(item) == 2:
            days.update(matching)
            continue
        nth = int(item[:-2])
        if 0 < nth <= len(matching) or 0 < -nth <= len(matching):
            days.add(matching[nth - 1 if nth > 0 else nth])
    return sorted(days)


def until_value(text: str) -> datetime:
    """An RRULE's UNTIL as rrulestr reads it (with dateutil's general date parser, for
    YYYYMMDD[THHMMSS[Z]]: a Z is UTC)."""
    day = datetime(int(text[:4]), int(text[4:6]), int(text[6:8]))  # noqa: DTZ001 - as dateutil
    if len(text) == 8:
        return day
    value = day.replace(hour=int(text[9:11]), minute=int(text[11:13]), second=int(text[13:15]))
    from dateutil.tz import tzutc  # only for an UNTIL in UTC: a feed of birthdays never loads it

    return value.replace(tzinfo=tzutc()) if text.endswith("Z") else value


def closer_start(start: datetime, span_start: datetime, parts: Mapping[str, str]) -> datetime:
    """A later DTSTART for the rule that yields the same instances from ``span_start`` on.

    dateutil walks every period from DTSTART, so a weekly series from ten years
    ago costs 500 steps before the window. Without COUNT (which counts from the
    first instance), moving DTSTART on by whole periods (whole weeks of the
    rule's INTERVAL for WEEKLY, whole INTERVALs of days for DAILY) keeps the
    weekday, the time of day, the week alignment and UNTIL; it stays a week
    before the window, so the days of its first week that it skips are not
    asked for.
    """
    if "COUNT" in parts or parts["FREQ"] not in ("DAILY", "WEEKLY"):
        return start  # months and years differ in length: their walk is short anyway
    period = RULE_DAYS[parts["FREQ"]] * int(parts.get("INTERVAL", "1"))
    target = span_start.astimezone(start.tzinfo) if start.tzinfo is not None else span_start
    days = (target.date() - start.date()).days - 8
    if days < period:
        return start
    return start + timedelta(days=days // period * period)
