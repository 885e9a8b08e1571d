"""Plain VEVENTs read from their lines: single events, series, and whether a group can reach
the window, with the same meaning icalendar and recurring-ical-events give them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from kara_tui.ical.expand.properties import (
    Line,
    When,
    read_duration,
    read_lines,
    read_when,
    split_line,
    text_value,
    wall_value,
)
from kara_tui.ical.prepare import EVENT_PROPERTIES, EventSource

# Properties a single plain event may have: what prepare() keeps, less the recurrence ones.
_SIMPLE = EVENT_PROPERTIES - {"RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
TEXT_PROPERTIES = frozenset({"UID", "STATUS", "TRANSP", "SUMMARY", "LOCATION"})

# A UTC offset is at most a day (fixed offsets and VTIMEZONEs included) and an
# all-day date is read in the window's zone: values further than this from the
# window, compared as plain "YYYYMMDD" text, cannot touch it.
_SLACK = timedelta(days=3)
# Rules whose walk from DTSTART to UNTIL is longer than this are left to the
# full path (its step and time bounds report them).
_MAX_SKIP_STEPS = 100_000
RULE_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}


# A tuple (typing.NamedTuple), not a dataclass: its class is built without compiling an
# __init__, __eq__ and __repr__ at import, and one is made per VEVENT (issue 19).
class Simple(NamedTuple):
    """A VEVENT whose every kept property is plain (single event, series master or override)."""

    key: str  # clean UID, "" when it has none
    start: When
    end: When | None
    duration: timedelta | None
    summary: str
    location: str
    busy: bool
    cancelled: bool
    rule: str | None = None
    exdates: tuple[When, ...] = ()
    recurrence_id: When | None = None

    @property
    def recurs(self) -> bool:
        """Whether the icalendar path would hand it to the recurrence engine."""
        return self.rule is not None or bool(self.exdates) or self.recurrence_id is not None


_PLAIN = _SIMPLE | {"RRULE", "EXDATE", "RECURRENCE-ID"}


_NO_PARAMS: dict[str, str] = {}  # shared by lines without parameters, never written to
Heads = dict[str, Line | None]
"""What split_line() makes of a line's name and parameters, by that text (see _split)."""


def _split(raw: str, heads: Heads) -> Line | None:
    """split_line(raw), its name and parameters read once per spelling in ``heads``: a feed
    writes "DTSTART;TZID=Europe/London" on most of its events.

    Without a quote before the first ':', that ':' ends the parameters (an unquoted
    parameter value holds none), so the line is plain exactly when its head is.
    """
    head, colon, value = raw.partition(":")  # one argument: no argument parsing, as find()'s
    if head and colon:
        if ";" not in head:
            # no parameters (most lines): split_line()'s own first case, without a second call
            return head if head.isupper() else head.upper(), _NO_PARAMS, value
        if head[0] != ";" and '"' not in head:
            if head in heads:
                read = heads[head]
            else:
                read = heads[head] = split_line(head + ":")
            return None if read is None else (read[0], read[1], value)
    return split_line(raw)


def read_simple(
    text: str, clean: Callable[[Any], str], heads: Heads | None = None
) -> Simple | None:
    """The event if icalendar would read every property of it plainly; else None.
    ``heads``: a dict kept for a whole feed (_split), or None."""
    props: dict[str, Line] = {}
    exdates: list[When] = []
    for raw in text.split("\r\n") if text else ():
        line = split_line(raw) if heads is None else _split(raw, heads)
        if line is None:
            return None
        name = line[0]
        if name == "EXDATE":
            for value in line[2].split(","):
                when = read_when(line[1], value)
                if when is None:
                    return None
                exdates.append(when)
            continue
        if name not in _PLAIN or name in props:
            return None
        props[name] = line
    dates = _read_dates(props)
    if dates is None:
        return None
    start, duration = dates.start, dates.duration
    if duration is not None and start.is_date and duration.seconds != 0:
        return None
    values: dict[str, str] = {}
    for name in TEXT_PROPERTIES:
        line = props.get(name)
        if line is not None:
            if "VALUE" in line[1]:
                return None
            values[name] = text_value(line[2])
    busy_status = props.get("X-MICROSOFT-CDO-BUSYSTATUS")
    if busy_status is not None and busy_status[1]:
        return None
    transp = values.get("TRANSP", "").strip().upper()
    if transp:
        busy = transp != "TRANSPARENT"
    else:
        busy = (busy_status[2] if busy_status else "").strip().upper() != "FREE"
    return Simple(
        key=clean(values.get("UID")),
        start=start,
        end=dates.end,
        duration=duration,
        summary=clean(values.get("SUMMARY")),
        location=clean(values.get("LOCATION")),
        busy=busy,
        cancelled=values.get("STATUS", "").strip().upper() == "CANCELLED",
        rule=dates.rule,
        exdates=tuple(exdates),
        recurrence_id=dates.recurrence_id,
    )


def _same_kind(a: When, b: When) -> bool:
    return a.is_date == b.is_date and a.tzid == b.tzid and a.utc == b.utc


def plain_series(members: list[Simple], window_end: datetime, max_steps: int) -> bool:
    """Whether a UID group is a series :meth:`Reader.expand` can expand by itself.

    One master with a plain daily, weekly, monthly or yearly rule (COUNT, UNTIL or open;
    BYDAY only weekly or monthly), DTEND (or DURATION) and EXDATEs written like its DTSTART;
    overrides with a RECURRENCE-ID written like it too, each at a different instance, and
    no rules of their own. A rule
    that would walk more than half of ``max_steps`` periods to reach the end of
    the window is left to the full path, which bounds and reports such rules.
    """
    masters = [m for m in members if m.recurrence_id is None]
    if len(masters) != 1 or masters[0].rule is None:
        return False
    master = masters[0]
    start = master.start
    if master.end is not None and not _same_kind(master.end, start):
        return False
    if master.exdates and not all(_same_kind(x, start) for x in master.exdates):
        return False
    period = _rule_period(master.rule)
    if period is None:
        return False
    days, until = period
    if until is not None and len(until) != (8 if start.is_date else 16):
        return False  # recurring-ical-events rewrites such an UNTIL; let it
    first = wall_value(start)
    first_day = first.date() if isinstance(first, datetime) else first
    walk = (window_end.date() - first_day).days + 2
    if walk * 2 > max_steps * days:
        return False
    seen: set[str] = set()
    for member in members:
        if member is master:
            continue
        rid = member.recurrence_id
        if rid is None or not _same_kind(rid, start) or rid.text in seen:
            return False
        seen.add(rid.text)
        if member.rule is not None or member.exdates:
            return False
        if member.end is not None and member.end.is_date != member.start.is_date:
            return False
    return True


@lru_cache(maxsize=4096)
def _rule_period(rule: str) -> tuple[int, str | None] | None:
    """For plain_series(): the days of a rule's period (RULE_DAYS times INTERVAL) and its
    UNTIL, when the rule is one Reader.expand takes (BYDAY only weekly or monthly, never
    mixing plain and numbered days); else None. Once per rule text, as rule_parts()."""
    parts = rule_parts(rule)
    if (
        parts is None
        or ("BYDAY" in parts and parts["FREQ"] not in ("WEEKLY", "MONTHLY"))
        or _mixed_byday(parts)
    ):
        return None
    return RULE_DAYS[parts["FREQ"]] * int(parts.get("INTERVAL", "1")), parts.get("UNTIL")


def _mixed_byday(parts: Mapping[str, str]) -> bool:
    """Whether BYDAY mixes plain weekdays with numbered ones ("MO,1SU"): dateutil, under
    recurring-ical-events, then yields nothing at all; the full path says what it makes of it."""
    days = parts.get("BYDAY", "").split(",")
    return len({len(day) == 2 for day in days}) > 1


def _span_text(start: When, end: When | None) -> tuple[str, str]:
    first = start.text
    if end is None:
        return first, first
    last = end.text
    return (first, last) if first <= last else (last, first)  # min() and max() of the two


class Horizon:
    """The window as "YYYYMMDD" text, widened by a safe margin, for text-only checks."""

    def __init__(self, window_start: datetime, window_end: datetime) -> None:
        self.low = (window_start - _SLACK).strftime("%Y%m%d")
        self.high = (window_end + _SLACK).strftime("%Y%m%d")

    def outside(self, first: str, last: str) -> bool:
        """Whether values whose days run from ``first`` to ``last`` surely miss the window."""
        return last[:8] < self.low or first[:8] > self.high


class Bare(NamedTuple):  # a tuple, as Simple is
    """The dates and rule of a VEVENT read plainly from its lines (its text left unread)."""

    start: When
    end: When | None
    duration: timedelta | None
    rule: str | None
    recurrence_id: When | None


def _read_member(text: str) -> Bare | None:
    lines = read_lines(text)
    if lines is None:
        return None
    found: dict[str, Line] = {}
    for line in lines:
        name = line[0]
        if name == "RDATE" or (name in found and name != "EXDATE"):
            return None  # RDATEs can lie anywhere; two RRULEs or DTSTARTs: let icalendar judge
        if name == "EXDATE":
            # Plain EXDATEs cannot move anything into the window; others may fail the series.
            if any(read_when(line[1], v) is None for v in line[2].split(",")):
                return None
            continue
        found[name] = line
    return _read_dates(found)


def _read_dates(props: dict[str, Line]) -> Bare | None:
    """The DTSTART, DTEND or DURATION, RRULE and RECURRENCE-ID of one VEVENT's lines, when
    each is plain (one reading for single events, series members and groups out of reach)."""
    start_line = props.get("DTSTART")
    if start_line is None:
        return None
    start = read_when(start_line[1], start_line[2])
    if start is None:
        return None
    end: When | None = None
    duration: timedelta | None = None
    if "DTEND" in props:
        if "DURATION" in props:
            return None
        end = read_when(props["DTEND"][1], props["DTEND"][2])
        if end is None or end.is_date != start.is_date:
            return None
    elif "DURATION" in props:
        duration = read_duration(props["DURATION"][1], props["DURATION"][2])
        if duration is None:
            return None
    rule = None
    if "RRULE" in props:
        if props["RRULE"][1]:
            return None
        rule = props["RRULE"][2]
    recurrence_id = None
    if "RECURRENCE-ID" in props:
        recurrence_id = read_when(props["RECURRENCE-ID"][1], props["RECURRENCE-ID"][2])
        if recurrence_id is None:
            return None
    return Bare(start, end, duration, rule, recurrence_id)


_WEEKDAYS = frozenset({"MO", "TU", "WE", "TH", "FR", "SA", "SU"})
_BYDAY = r"(?:[+-]?[1-5])?(?:MO|TU|WE|TH|FR|SA|SU)"  # compiled on first use (re's cache)


@lru_cache(maxsize=4096)
def rule_parts(rule: str) -> Mapping[str, str] | None:
    """The parts of a rule recurring-ical-events surely expands without error; else None.

    Only FREQ, INTERVAL, COUNT, UNTIL, BYDAY and WKST, with values checked: a
    typo ("UNTL"), an odd BY part or a bad value goes to the full path, which
    reports it. Read once per rule text: a feed's series share a few spellings (every
    birthday is FREQ=YEARLY), and triage, plain_series() and expand() each ask for them.
    """
    parts: dict[str, str] = {}
    for item in rule.split(";"):
        key, sep, value = item.partition("=")
        key = key.upper()
        if not sep or key in parts:
            return None
        parts[key] = value.upper()
    if not set(parts) <= {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST"}:
        return None
    freq = parts.get("FREQ")
    if freq not in RULE_DAYS or ("COUNT" in parts and "UNTIL" in parts):
        return None
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or not 0 < int(interval) < 10_000:
        return None
    if "COUNT" in parts and not (parts["COUNT"].isdigit() and 0 < int(parts["COUNT"]) < 100_000):
        return None
    if "UNTIL" in parts and read_when({}, parts["UNTIL"]) is None:
        return None
    if parts.get("WKST", "MO") not in _WEEKDAYS:
        return None
    if "BYDAY" in parts:
        days = parts["BYDAY"].split(",")
        plain = all(day in _WEEKDAYS for day in days)
        if not (
            plain or (freq in ("MONTHLY", "YEARLY") and all(re.fullmatch(_BYDAY, d) for d in days))
        ):
            return None
    return parts


def _rule_last_day(parts: Mapping[str, str], start: When, span: timedelta) -> str | None:
    """The last day any instance of the rule can touch, as "YYYYMMDD"; None if unbounded."""
    freq = parts["FREQ"]
    interval = int(parts.get("INTERVAL", "1"))
    first = wall_value(start)
    first_day = first.date() if isinstance(first, datetime) else first
    if "UNTIL" in parts:
        until = parts["UNTIL"]
        last = date(int(until[:4]), int(until[4:6]), int(until[6:8]))
    elif "COUNT" in parts:
        weekly_days = freq == "WEEKLY" and all(
            day in _WEEKDAYS for day in parts.get("BYDAY", "MO").split(",")
        )
        if not ((freq == "DAILY" and "BYDAY" not in parts) or weekly_days):
            return None
        # Each period yields at least one instance, and DTSTART counts as one.
        periods = int(parts["COUNT"]) + 1
        try:
            last = first_day + timedelta(days=periods * interval * RULE_DAYS[freq])
        except OverflowError:
            return None
    else:
        return None
    steps = (last - first_day).days / (RULE_DAYS[freq] * interval)
    if steps > _MAX_SKIP_STEPS:
        return None
    try:
        last = last + timedelta(days=max(span.days, 0) + 2)
    except OverflowError:
        return None
    return f"{last.year:04d}{last.month:02d}{last.day:02d}"


def cannot_reach(members: Iterable[tuple[EventSource, Simple | None]], horizon: Horizon) -> bool:
    """Whether a UID group surely has no occurrence in the window (and nothing to report).

    True only for groups whose values are all plain, with at most one master;
    a series counts by its end (UNTIL, or COUNT for simple daily and weekly
    rules), never by its start alone. Members already read by read_simple are
    not read again.
    """
    return cannot_reach_values(
        (simple if simple is not None else _read_member(source.text) for source, simple in members),
        horizon,
    )


def cannot_reach_values(members: Iterable[Bare | Simple | None], horizon: Horizon) -> bool:
    """cannot_reach() for members already read (None: one could not be read plainly)."""
    masters = 0
    for member in members:
        if member is None:
            return False
        first, last = _span_text(member.start, member.end)
        if member.duration is not None:
            try:
                end_value = wall_value(member.start) + member.duration
            except OverflowError:
                return False
            last = max(last, end_value.strftime("%Y%m%d"))
        if member.recurrence_id is not None:
            if member.rule is not None:
                return False
        else:
            masters += 1
            if member.rule is not None:
                parts = rule_parts(member.rule)
                if parts is None:
                    return False
                if first[:8] > horizon.high:
                    continue  # instances never come before DTSTART
                if "UNTIL" not in parts and "COUNT" not in parts:
                    return False  # endless: _rule_last_day() has no last day for it
                rule_last = _rule_last_day(parts, member.start, _wall_span(member))
                if rule_last is None:
                    return False
                last = max(last, rule_last)
        if not horizon.outside(first, last):
            return False
    return masters <= 1


def _wall_span(member: Bare | Simple) -> timedelta:
    if member.duration is not None:
        return member.duration
    if member.end is None:
        return timedelta(days=1)
    start, end = wall_value(member.start), wall_value(member.end)
    return abs(end - start)


def zone_ids(text: str, simple: Simple | None = None) -> list[tuple[str, bool]]:
    """(TZID, written in UTC) of every plain date value of a VEVENT, for zone reporting."""
    if simple is not None:
        values = [simple.start, simple.end, simple.recurrence_id, *simple.exdates]
        return [(v.tzid, v.utc) for v in values if v is not None and v.tzid is not None]
    out: list[tuple[str, bool]] = []
    for line in read_lines(text) or ():
        tzid = line[1].get("TZID")
        if tzid is not None and line[0] in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE"):
            out.extend((tzid, v.endswith(("Z", "z"))) for v in line[2].split(","))
    return out


# -- turning plain events into occurrences --------------------------------------------------
