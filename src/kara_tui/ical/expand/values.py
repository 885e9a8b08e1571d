"""The fast path's own value readers and recurring-ical-events' comparison helpers, without
loading either library.

Why: a `feeds sync` run from cron pays for every import; icalendar, recurring-ical-events
and x-wr-timezone (with click) were half of a cold sync of a 1,000-event feed (issue 19).
So a feed whose every VEVENT takes the fast path loads none of them: these functions do what
the libraries' functions of the same names do, for the values they know. A value one of them
does not know (a PERIOD, a TZID that is no plain IANA name, a leap second, lower case, any
bad value) gives None, and the caller asks the library, which stays the reference: nothing
here guesses. tests/unit/ical/test_expand_values.py holds each one to the library's, form
by form (hypothesis), and the corpus, random-feed and providers differentials hold the fast
path as a whole to the reference path.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Hashable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from kara_tui.ical.zones import iana

Time = date | datetime

UTC_ZONE = zoneinfo.ZoneInfo("UTC")  # what icalendar's zoneinfo provider puts on a "Z" time

# icalendar's DURATION_REGEX with ASCII digits only (it takes any Unicode digit: those go to it).
# These three are compiled on first use (re's cache): a feed of all-day series (birthdays)
# writes no DURATION, no DATE-TIME read here and no TZID (issue 19).
_DURATION = (
    r"([-+]?)P(?:([0-9]+)W)?(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?\Z"
)
_DATE_TIME = r"[0-9]{8}T[0-9]{6}Z?"
_UNESCAPE = r"\\([\\,;:nN])"  # icalendar.parser.unescape_backslash's; compiled on first use
# An IANA zone name as written in tzdata (Area/Location, Etc/GMT+5, UTC); nothing to clean.
_IANA_NAME = r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*"


class PeriodEndBeforeStart(ValueError):
    """recurring-ical-events' error of the same name (a ValueError too): a span ends before it
    starts."""


# -- values as icalendar reads them -------------------------------------------------------------


def read_value(text: str) -> date | datetime | timedelta | None:
    """``vDDDTypes.from_ical(text)`` (no TZID) for a DATE, a floating or UTC DATE-TIME or a
    DURATION written in the plain form; None for anything else (icalendar decides)."""
    if text[:1] in ("P", "-", "+"):
        return read_duration(text)
    if len(text) == 8:
        if not (text.isascii() and text.isdigit()):
            return None
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            return None
    if re.fullmatch(_DATE_TIME, text) is None:
        return None
    try:
        wall = datetime(  # noqa: DTZ001 - floating unless written with Z
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[9:11]),
            int(text[11:13]),
            int(text[13:15]),
        )
    except ValueError:  # a leap second "60", 30 February: icalendar says why
        return None
    return wall.replace(tzinfo=UTC_ZONE) if len(text) == 16 else wall


def read_duration(text: str) -> timedelta | None:
    """``vDuration.from_ical(text)``; None where it would refuse or the text is not plain."""
    match = re.match(_DURATION, text)
    if match is None:
        return None
    sign, weeks, days, hours, minutes, seconds = match.groups()
    try:
        value = timedelta(
            weeks=int(weeks or 0),
            days=int(days or 0),
            hours=int(hours or 0),
            minutes=int(minutes or 0),
            seconds=int(seconds or 0),
        )
    except OverflowError:
        return None
    return -value if sign == "-" else value


def known_zone(tzid: str | None, utc: bool) -> tzinfo | None:
    """The zone icalendar gives a DATE-TIME with this TZID (or, without one, written with Z),
    when that is plain: a TZID that is an IANA name as written (then the trailing Z is
    ignored, as icalendar ignores it) or no TZID and a Z. None for every other TZID
    (Windows names, vendor prefixes, quotes, custom VTIMEZONEs): icalendar decides."""
    if tzid is None:
        return UTC_ZONE if utc else None
    if re.fullmatch(_IANA_NAME, tzid) is None or tzid == "posixrules":
        return None
    if tzid.startswith(("posix/", "right/")):
        return None
    return iana(tzid)


def unescape_backslash(text: str) -> str:
    """``icalendar.parser.unescape_backslash``: a TEXT value's backslash escapes undone."""
    return re.sub(_UNESCAPE, lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


# -- recurring_ical_events.util --------------------------------------------------------------


def is_date(time: Any) -> bool:
    """Whether this is a date and not a datetime."""
    return isinstance(time, date) and not isinstance(time, datetime)


def convert_to_date(time: Time) -> date:
    """A date or datetime as a date."""
    return date(time.year, time.month, time.day)


def convert_to_datetime(time: Time, zone: tzinfo | None) -> datetime:
    """A date as a datetime (midnight, in ``zone``); a floating datetime gets ``zone``; an
    aware one keeps its own, or loses it when ``zone`` is None."""
    if not isinstance(time, datetime):
        time = datetime(time.year, time.month, time.day)  # noqa: DTZ001 - zone applied next
    if time.tzinfo is None:
        if zone is not None:
            if hasattr(zone, "localize"):  # a pytz zone (a window given in one): localize()
                localized: datetime = zone.localize(time)
                return localized
            return time.replace(tzinfo=zone)
    elif zone is None:
        if hasattr(time.tzinfo, "localize"):  # pytz: normalize() first
            normalized: datetime = time.tzinfo.normalize(time)  # type: ignore[attr-defined]  # pytz's
            return normalized.replace(tzinfo=None)
        return time.replace(tzinfo=None)
    return time


def make_comparable(times: Sequence[Time]) -> Sequence[Time]:
    """All dates stay dates; else every value a datetime in the first aware value's zone."""
    zone = None
    all_dates = True
    for time in times:
        if not is_date(time):
            all_dates = False
            if isinstance(time, datetime) and time.tzinfo is not None:
                zone = time.tzinfo
                break
    if all_dates:
        return times
    return [convert_to_datetime(time, zone) for time in times]


def time_span_contains_event(
    span_start: Time,
    span_stop: Time,
    event_start: Time,
    event_stop: Time,
    comparable: bool = False,
) -> bool:
    """Whether an event overlaps a span: stops exclusive, an empty event at the start inside.
    ``comparable``: the four are known comparable as they are (make_comparable() is skipped)."""
    if not comparable:
        span_start, span_stop, event_start, event_stop = make_comparable(
            (span_start, span_stop, event_start, event_stop)
        )
    if event_start > event_stop:
        raise PeriodEndBeforeStart(
            f"the event must start before it ends(start: {event_start} end: {event_stop})"
        )
    if span_start > span_stop:
        raise PeriodEndBeforeStart(
            f"the time span must start before it ends(start: {span_start} end: {span_stop})"
        )
    if event_start == event_stop:
        if span_start == span_stop:
            return event_start == span_start
        return span_start <= event_start < span_stop
    if span_start == span_stop:
        return event_start <= span_start < event_stop
    return event_start < span_stop and span_start < event_stop


def compare_greater(first: Time, second: Time) -> bool:
    """``first > second`` once the two are made comparable."""
    first, second = make_comparable((first, second))
    return first > second


def to_recurrence_ids(time: Time) -> tuple[Any, ...]:
    """The keys an instance is known by: its UTC wall time first, then its own wall time
    (naive datetimes; typed loosely, as the library's helper was to the fast path, whose
    loop variables hold these keys and others)."""
    if not isinstance(time, datetime):
        return (convert_to_datetime(time, None),)
    if time.tzinfo is None:
        return (time,)
    return (time.astimezone(UTC).replace(tzinfo=None), time.replace(tzinfo=None))


def get_any(dictionary: dict[Any, Any], keys: Sequence[Hashable], default: Any = None) -> Any:
    """The value of the last of ``keys`` in ``dictionary`` (``default`` for none)."""
    result = default
    for key in keys:
        result = dictionary.get(key, result)
    return result
