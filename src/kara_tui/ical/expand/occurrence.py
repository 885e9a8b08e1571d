"""What expansion yields (occurrences, problems) and the conversions both of its paths share."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from kara_tui.domain.event_instance import EventInstance
from kara_tui.ical.values import ONE_DAY, is_date_only


@dataclass(frozen=True, slots=True)
class Occurrence(EventInstance):
    """One instance of an event inside the window, ready to store: an EventInstance (see it
    for the fields) with ``component_hash``, the digest of the source it came from.

    ``recurrence_id`` is "" for a non-recurring event, else the instance's
    original start: UTC ``YYYYMMDDTHHMMSSZ`` for timed series, ``YYYYMMDD`` for
    all-day series.
    """

    component_hash: str


def _setter(name: str) -> Callable[[Occurrence, Any], None]:
    """The slot's own setter of an Occurrence field (what a frozen dataclass's __init__ does
    through object.__setattr__, without its lookups)."""
    setter: Callable[[Occurrence, Any], None] = getattr(Occurrence, name).__set__
    return setter


_NEW = object.__new__
_UID, _RECURRENCE_ID, _START, _END, _ALL_DAY = map(
    _setter, ("uid", "recurrence_id", "start", "end", "all_day")
)
_SUMMARY, _LOCATION, _BUSY, _CANCELLED, _HASH = map(
    _setter, ("summary", "location", "busy", "cancelled", "component_hash")
)


def new_occurrence(
    uid: str,
    recurrence_id: str,
    start: datetime | date,
    end: datetime | date,
    all_day: bool,
    summary: str,
    location: str,
    busy: bool,
    cancelled: bool,
    component_hash: str,
) -> Occurrence:
    """``Occurrence(...)`` of the same values in half the time, for the fast path, which makes
    one for each of a feed's thousands of instances: each slot set once, no __init__ to run.
    tests/unit/ical/test_occurrence.py holds it equal to the dataclass's own, field by field.
    """
    occ: Occurrence = _NEW(Occurrence)
    _UID(occ, uid)
    _RECURRENCE_ID(occ, recurrence_id)
    _START(occ, start)
    _END(occ, end)
    _ALL_DAY(occ, all_day)
    _SUMMARY(occ, summary)
    _LOCATION(occ, location)
    _BUSY(occ, busy)
    _CANCELLED(occ, cancelled)
    _HASH(occ, component_hash)
    return occ


NOTE_PREFIX = "imported, but "
"""Starts the reason of a Problem about an event that was imported after a repair (one
without it means the event, or some of it, was skipped)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the feed that was skipped or cut short, said so a person understands it."""

    uid: str
    reason: str


_CONTROL = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+"  # compiled on first use (re's cache)


def clean_text(value: Any) -> str:
    """Feed text as one plain line: control characters out, line breaks become spaces."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    text = str(value)
    if not text:
        return ""
    if text.isprintable():  # no control character can be in it: skip the regex
        return text.strip()
    return re.sub(_CONTROL, " ", text).strip()


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(slots=True, eq=False, repr=False)
class Context:
    window_start: datetime
    window_end: datetime
    floating: tzinfo
    problems: list[Problem] = field(default_factory=list)
    unknown_length: timedelta = timedelta(hours=1)  # of a timed event whose end is unreadable


def utc_of(value: datetime, floating: tzinfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=floating)
    return value.astimezone(UTC)


def span_of(
    start: Any, end: Any, floating: tzinfo
) -> tuple[datetime | date, datetime | date, bool]:
    """Normalise a start/end pair to UTC datetimes or to dates (all-day), end after start.

    An all-day event whose end is not after its start (Calendar Labs writes
    DTEND == DTSTART) lasts one day; a timed end before its start is the start.
    """
    if is_date_only(start):
        if isinstance(end, datetime):
            end_date = end.date() if end.time() == time(0) else end.date() + ONE_DAY
        elif isinstance(end, date):
            end_date = end
        else:
            end_date = start + ONE_DAY
        if end_date <= start:
            end_date = start + ONE_DAY
        return start, end_date, True
    start_utc = utc_of(start, floating)
    if isinstance(end, datetime):
        end_utc = utc_of(end, floating)
    elif isinstance(end, date):
        end_utc = utc_of(datetime.combine(end, time(0), tzinfo=start.tzinfo), floating)
    else:
        end_utc = start_utc
    return start_utc, max(start_utc, end_utc), False


def recurrence_id_of(value: Any, all_day_series: bool, floating: tzinfo) -> str:
    """The instance key: the original start as 'YYYYMMDD' (all-day series) or UTC 'YYYYMMDDTHHMMSSZ'.

    An all-day series takes the local calendar date even when a producer
    (Exchange) writes the RECURRENCE-ID as local midnight with a TZID, which in
    UTC is often the previous day.
    """
    if all_day_series or is_date_only(value):
        day: date = value if is_date_only(value) else value.date()
        return day.strftime("%Y%m%d")
    return utc_of(value, floating).strftime("%Y%m%dT%H%M%SZ")


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def error_said(error: BaseException) -> str:
    """Why an event was skipped, in words: a library's ValueError says what is wrong with the
    data; Python's own errors (a TypeError comparing times, an OverflowError) do not."""
    text = str(error)
    if isinstance(error, TypeError) and "offset-naive and offset-aware" in text:
        return "it mixes times with a time zone and floating times"
    if isinstance(error, OverflowError) or "out of range" in text:
        return "a date in it is out of range"
    if not isinstance(error, ValueError) or not text:
        return f"its data is not in a form kara-tui can read ({type(error).__name__})"
    return clean_text(text)[:160]


def group_digest(digests: list[str]) -> str:
    """One digest for a UID group from its members' digests (a lone member keeps its own)."""
    if len(digests) == 1:
        return digests[0]
    joined = "\n".join(sorted(digests))
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()
