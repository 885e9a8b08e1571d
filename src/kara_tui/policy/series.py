"""When a series' sessions fall: dateutil's rrule on the practice zone's wall clock (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from dateutil import rrule as du

from kara_tui.domain.series import MAX_COUNT, Repeat, SeriesRule

_DAYS = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Left alone, a leftover series could be asked for years of weeks: a bound on what is computed.
MAX_OCCURRENCES = MAX_COUNT * 2


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(tzinfo=None)


def _rule(first_start: datetime, zone: ZoneInfo, rule: SeriesRule) -> du.rrule:
    """The rule over naive wall-clock times in ``zone``: 10:00 stays 10:00 across a clock
    change, because the arithmetic never sees an offset."""
    start = _local(first_start, zone)
    until = datetime.combine(rule.until, time.max) if rule.until is not None else None

    def every(freq: Literal[1, 2], **by: Any) -> du.rrule:  # du.MONTHLY or du.WEEKLY
        return du.rrule(
            freq, dtstart=start, interval=rule.interval, count=rule.count, until=until, **by
        )

    if rule.repeat is Repeat.WEEKLY:
        return every(du.WEEKLY)
    if rule.repeat is Repeat.MONTHLY_BY_DATE:
        return every(du.MONTHLY, bymonthday=start.day)
    position = rule.position_of(start.date())
    return every(du.MONTHLY, byweekday=_DAYS[start.weekday()](position))


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in ``zone`` as UTC; in a clock change's gap or fold, the first
    reading (fold=0), as zoneinfo and dateutil both take it."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def occurrences(
    first_start: datetime,
    zone: str,
    rule: SeriesRule,
    *,
    before: datetime | None = None,
    skip: Iterable[datetime] = (),
) -> list[datetime]:
    """The original starts (UTC) the rule gives, first one included, up to the rule's end and
    strictly before ``before`` (needed for an open-ended rule); ``skip`` leaves some out."""
    if first_start.tzinfo is None:
        raise ValueError("first_start must be aware")
    if rule.open_ended and before is None:
        raise ValueError("an open-ended rule needs a bound")
    tz = ZoneInfo(zone)
    skipped = {s.astimezone(UTC) for s in skip}
    found: list[datetime] = []
    for n, local in enumerate(_rule(first_start, tz, rule)):
        if n >= MAX_OCCURRENCES:
            break
        start = to_utc(local, tz)
        if before is not None and start >= before:
            break
        if start not in skipped:
            found.append(start)
    return found


def last_occurrence(first_start: datetime, zone: str, rule: SeriesRule) -> datetime | None:
    """The last original start of a rule that ends; None for an open-ended one."""
    if rule.open_ended:
        return None
    found = occurrences(first_start, zone, rule)
    return found[-1] if found else None


def next_after(first_start: datetime, zone: str, rule: SeriesRule, moment: datetime) -> datetime:
    """The first original start the rule gives at or after ``moment`` (for a split)."""
    tz = ZoneInfo(zone)
    local = _rule(first_start, tz, rule).after(_local(moment, tz) - timedelta(seconds=1))
    if local is None:
        raise ValueError("the rule ends before that moment")
    return to_utc(local, tz)


def rrule_parts(
    first_start: datetime, zone: str, rule: SeriesRule, *, last: datetime | None = None
) -> dict[str, object]:
    """The rule as RFC 5545 RRULE parts (icalendar's vRecur takes them as they are); ``last``
    (UTC) ends it there with UNTIL, as an ended or split series does."""
    local = first_start.astimezone(ZoneInfo(zone))
    parts: dict[str, object] = {
        "FREQ": "WEEKLY" if rule.repeat is Repeat.WEEKLY else "MONTHLY",
        "INTERVAL": rule.interval,
    }
    if rule.repeat is Repeat.MONTHLY_BY_DATE:
        parts["BYMONTHDAY"] = local.day
    elif rule.repeat is Repeat.MONTHLY_BY_WEEKDAY:
        parts["BYDAY"] = f"{rule.position_of(local.date())}{_BYDAY[local.weekday()]}"
    if last is not None:
        parts["UNTIL"] = last.astimezone(UTC)
    elif rule.count is not None:
        parts["COUNT"] = rule.count
    elif rule.until is not None:
        ends = last_occurrence(first_start, zone, rule)
        parts["UNTIL"] = ends if ends is not None else first_start
    return parts


def local_date(value: datetime, zone: str) -> date:
    return value.astimezone(ZoneInfo(zone)).date()
