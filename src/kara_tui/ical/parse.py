"""Parse an iCalendar feed into the occurrences that fall in a window, never trusting the feed."""

from __future__ import annotations

import hashlib
import re
import warnings
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from operator import attrgetter
from time import monotonic
from typing import Any

import recurring_ical_events
import x_wr_timezone
from icalendar import Calendar, Event, Timezone
from icalendar import GloballyUniqueTZIDGuessed as _GUESSED_TZID
from icalendar.prop import vBroken, vRecur
from recurring_ical_events.adapters.event import EventAdapter
from recurring_ical_events.util import time_span_contains_event

from kara_tui.ical import compat
from kara_tui.ical.budget import (
    FEED_SECONDS,
    SERIES_SECONDS,
    Budget,
    FeedTooCostly,
    StepLimit,
)
from kara_tui.ical.fastpath import (
    Horizon,
    Reader,
    Simple,
    cannot_reach,
    groups_outside,
    plain_series,
    read_simple,
    uid_key,
    zone_ids,
)
from kara_tui.ical.outline import Outline, block_region, keep_blocks, select
from kara_tui.ical.outline import outline as outline_of
from kara_tui.ical.prepare import (
    MAX_LINE_CHARS,
    SKIPPED_SAID,
    EventSource,
    NotICalendar,
    Prepared,
    prepare,
)
from kara_tui.ical.timezones import (
    BROKEN_MARK,
    ONE_DAY,
    ZoneResolver,
    drop_broken,
    floating_zone,
    is_date_only,
    localize_event,
    localize_value,
    zone_name,
)
from kara_tui.ical.watchdog import TimeLimitExceeded, Watchdog
from kara_tui.ical.zones import to_iana


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One instance of an event inside the window, ready to store.

    ``recurrence_id`` is "" for a non-recurring event, else the instance's
    original start: UTC ``YYYYMMDDTHHMMSSZ`` for timed series, ``YYYYMMDD`` for
    all-day series. ``start``/``end`` are aware UTC datetimes, or dates for
    all-day events; ``end`` is exclusive.
    """

    uid: str
    recurrence_id: str
    start: datetime | date
    end: datetime | date
    all_day: bool
    summary: str
    location: str
    busy: bool
    cancelled: bool
    component_hash: str


NOTE_PREFIX = "imported, but "
"""Starts the reason of a Problem about an event that was imported after a repair (one
without it means the event, or some of it, was skipped)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the feed that was skipped or cut short, said so a person understands it."""

    uid: str
    reason: str


# Part of the key under which services.feeds keeps a feed's UID-group digests: bump it when
# this parser may read the same bytes into other occurrences or problems, so that every feed
# is parsed whole once more instead of keeping what an older parser made of its unchanged
# groups. (kara-tui's version is in the key too.) 2: library warnings became feed notes.
# 3: RFC 5545 readings (issue 14): floating times, rules started near the window, notes.
PARSE_REVISION = "3"


@dataclass(frozen=True)
class ParseResult:
    """What a feed holds inside the window, and what could not be used."""

    occurrences: list[Occurrence]
    problems: list[Problem]
    calendar_name: str | None
    event_count: int
    outline: Outline | None = None  # the body's outline (None: it cannot be cut at byte level)


class FeedUnreadable(Exception):
    """The body is not an iCalendar at all (HTML, empty, garbage, truncated beyond repair).

    str() says why.
    """


# The fast path leaves rules that would walk more base periods than this from DTSTART
# to the window's end to the full path, which starts them near the window and counts
# their steps (budget.py).
MAX_RULE_STEPS = 1_000_000
_FREQUENCIES = frozenset({"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


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
    return _CONTROL.sub(" ", text).strip()


@dataclass(slots=True)
class _Member:
    """A parsed VEVENT together with what the line pass knew about it."""

    event: Event
    source: EventSource


@dataclass(slots=True)
class _Context:
    window_start: datetime
    window_end: datetime
    floating: tzinfo
    problems: list[Problem] = field(default_factory=list)
    unknown_length: timedelta = timedelta(hours=1)  # of a timed event whose end is unreadable


def _check_window(window_start: datetime, window_end: datetime) -> None:
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("the window must be given as aware datetimes")
    if window_end <= window_start:
        raise ValueError("the window must end after it starts")


def _utc(value: datetime, floating: tzinfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=floating)
    return value.astimezone(UTC)


def _span(start: Any, end: Any, floating: tzinfo) -> tuple[datetime | date, datetime | date, bool]:
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
    start_utc = _utc(start, floating)
    if isinstance(end, datetime):
        end_utc = _utc(end, floating)
    elif isinstance(end, date):
        end_utc = _utc(datetime.combine(end, time(0), tzinfo=start.tzinfo), floating)
    else:
        end_utc = start_utc
    return start_utc, max(start_utc, end_utc), False


def _format_recurrence_id(value: Any, all_day_series: bool, floating: tzinfo) -> str:
    """The instance key: the original start as 'YYYYMMDD' (all-day series) or UTC 'YYYYMMDDTHHMMSSZ'.

    An all-day series takes the local calendar date even when a producer
    (Exchange) writes the RECURRENCE-ID as local midnight with a TZID, which in
    UTC is often the previous day.
    """
    if all_day_series or is_date_only(value):
        day = value if is_date_only(value) else value.date()
        return day.strftime("%Y%m%d")
    return _utc(value, floating).strftime("%Y%m%dT%H%M%SZ")


def _status(event: Event) -> str:
    return str(event.get("STATUS", "")).strip().upper()


def _busy(event: Event) -> bool:
    transp = str(event.get("TRANSP", "")).strip().upper()
    if transp:
        return transp != "TRANSPARENT"
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).strip().upper() != "FREE"


def _make(
    event: Event,
    uid: str,
    recurrence_id: str,
    start: Any,
    end: Any,
    digest: str,
    floating: tzinfo,
) -> Occurrence:
    start_n, end_n, all_day = _span(start, end, floating)
    return Occurrence(
        uid=uid,
        recurrence_id=recurrence_id,
        start=start_n,
        end=end_n,
        all_day=all_day,
        summary=clean_text(event.get("SUMMARY")),
        location=clean_text(event.get("LOCATION")),
        busy=_busy(event),
        cancelled=_status(event) == "CANCELLED",
        component_hash=digest,
    )


def _series_digest(members: list[_Member]) -> str:
    if len(members) == 1:
        return members[0].source.digest
    joined = "\n".join(sorted(m.source.digest for m in members))
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


def _has_dt(event: Event, name: str) -> bool:
    prop = event.get(name)
    if prop is None or isinstance(prop, vBroken | list):
        return False
    return isinstance(getattr(prop, "dt", None), date)


def _tidy(event: Event, uid: str = "", ctx: _Context | None = None) -> str | None:
    """Drop unusable end values; say why the event is unusable, if it is.

    An end that cannot be read is not silently an end equal to the start (a meeting
    that never conflicts): DURATION is used when the event has one; else the event
    keeps ``ctx.unknown_length`` (busy for that long) and a note says so.
    """
    if not _has_dt(event, "DTSTART"):
        raw = event.get("DTSTART")
        if raw is None:
            return "it has no start time"
        shown = str(raw) if isinstance(raw, vBroken | str) else str(getattr(raw, "dt", raw))
        return f"its start time {shown[:40]!r} is not a date"
    broken = _broken(event)
    for name in ("DTEND", "DURATION"):
        if name in event and (
            isinstance(event[name], vBroken | list)
            or not isinstance(getattr(event[name], "dt", None), date | timedelta)
        ):
            del event[name]
            broken.add(name)
    if "DTEND" in event and "DURATION" in event:
        del event["DURATION"]  # both is forbidden; DTEND is what calendars show
    if ctx is not None and "DTEND" in broken and "DTEND" not in event:
        start = event["DTSTART"].dt
        if "DURATION" in event:
            ctx.problems.append(
                Problem(
                    uid,
                    f"{NOTE_PREFIX}its end time (DTEND) could not be read; its DURATION was used",
                )
            )
        elif isinstance(start, datetime):
            length = ctx.unknown_length
            event.add("DURATION", length)
            ctx.problems.append(
                Problem(
                    uid,
                    f"{NOTE_PREFIX}its end time (DTEND) could not be read and its length is"
                    " unknown;"
                    f" it was kept as busy for {_length_said(length)}",
                )
            )
    return None


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def _broken(event: Event) -> set[str]:
    """The date properties drop_broken() had to remove from ``event``."""
    return set(str(event.get(BROKEN_MARK, "")).split(","))


def _length_said(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'' if hours == 1 else 's'}"
    return f"{minutes} minutes"


def _rule_problem(event: Event) -> str | None:
    """Why this event's RRULE cannot be expanded at all, or None when it may be tried.

    How long a rule runs is not judged here: its walk is counted step by step
    (budget.py), so a finite rule with BYxxx parts and COUNT is expanded however
    fine its FREQ, and an endless one is started near the window.
    """
    rules = event.get("RRULE")
    if rules is None:
        return None
    for rule in rules if isinstance(rules, list) else [rules]:
        if not isinstance(rule, vRecur):
            return "its repeat rule (RRULE) could not be read"
        freq = [str(f).upper() for f in rule.get("FREQ", [])]
        if len(set(freq)) != 1 or freq[0] not in _FREQUENCIES:
            return "its repeat rule (RRULE) has no valid FREQ"
        try:
            interval = int(rule.get("INTERVAL", [1])[0])
        except (TypeError, ValueError):
            return "its repeat rule (RRULE) has an unreadable INTERVAL"
        if interval <= 0:
            return f"its repeat rule (RRULE) has INTERVAL={interval}"
    return None


class _Expander:
    """Turns groups of VEVENTs that share a UID into occurrences, each group bounded.

    Each series gets a share of the feed's :class:`Budget` of steps; one that uses it
    up keeps what it found and says where it stopped. The feed's whole budget used up
    raises FeedTooCostly. The watchdog is only a wall-clock guard for hostile rules.
    """

    def __init__(
        self,
        ctx: _Context,
        watchdog: Watchdog,
        max_occurrences: int,
        max_seconds: float,
        budget: Budget,
    ) -> None:
        self.ctx = ctx
        self.watchdog = watchdog
        self.max_occurrences = max_occurrences
        self.max_seconds = max_seconds
        self.budget = budget
        self.deadline = monotonic() + FEED_SECONDS

    def problem(self, uid: str, reason: str) -> None:
        self.ctx.problems.append(Problem(uid, reason))

    def single(
        self, member: _Member, uid: str, recurrence_id: str, digest: str
    ) -> Iterator[Occurrence]:
        """A non-recurring event: no rule engine needed, same overlap rule as recurring-ical-events."""
        adapter = EventAdapter(member.event)
        start, end = adapter.start, adapter.end
        if time_span_contains_event(self.ctx.window_start, self.ctx.window_end, start, end):
            yield _make(member.event, uid, recurrence_id, start, end, digest, self.ctx.floating)

    def group(self, uid: str, members: list[_Member]) -> list[Occurrence]:
        """All occurrences of one UID, or a reported fallback when the series cannot be expanded."""
        digest = _series_digest(members)
        usable: list[_Member] = []
        reasons: list[str] = []
        for member in members:
            reason = _tidy(member.event, uid, self.ctx)
            if reason is None:
                usable.append(member)
            else:
                reasons.append(reason)
        if not usable:
            # iTIP replies in a feed carry no times; only an event with nothing usable is news.
            self.problem(uid, f"skipped an event: {reasons[0]}")
            return []
        usable = self.without_lost_overrides(uid, usable)
        event = usable[0].event
        if len(usable) == 1 and not any(name in event for name in _RECURRENCE_PROPERTIES):
            return list(self.single(usable[0], uid, "", digest))
        masters = [m for m in usable if "RECURRENCE-ID" not in m.event]
        if len(masters) > 1:
            self.problem(
                uid,
                f"the feed has {len(masters)} copies of this event; only the newest was imported",
            )
        for master in masters:
            reason = _rule_problem(master.event)
            if reason is not None:
                return self.fallback(uid, usable, digest, reason)
        found: list[Occurrence] = []
        remaining = self.deadline - monotonic()
        if remaining <= 0:
            raise _too_slow()
        seconds = min(self.max_seconds, remaining)
        try:
            with self.budget.series(), self.watchdog.limit(seconds):
                self.expand(uid, usable, digest, found)
        except StepLimit:
            if not self.budget.series_cut():
                raise self.budget.feed_exhausted() from None
            return self.cut(
                uid,
                usable,
                digest,
                found,
                f"working out its repetitions needs more than {self.budget.series_steps:,} steps",
            )
        except TimeLimitExceeded:
            if monotonic() >= self.deadline:
                raise _too_slow() from None
            return self.cut(
                uid,
                usable,
                digest,
                found,
                f"working out its repetitions took longer than {seconds:g} s",
            )
        except FeedTooCostly:
            raise
        except Exception as error:
            return self.fallback(
                uid, usable, digest, f"its repetitions could not be worked out ({_short(error)})"
            )
        return found

    def without_lost_overrides(self, uid: str, members: list[_Member]) -> list[_Member]:
        """Members whose RECURRENCE-ID could not be read, said and (beside a series) left out.

        Such an override would otherwise count as a second copy of the series and
        replace it whole. Which occurrence it moves is unknown, so the series keeps
        that occurrence at its usual time, and the note says so.
        """
        lost = [m for m in members if "RECURRENCE-ID" in _broken(m.event)]
        if not lost:
            return members
        series = [m for m in members if m not in lost and "RECURRENCE-ID" not in m.event]
        for member in lost:
            start = member.event["DTSTART"].dt
            when = f"{start:%Y-%m-%d %H:%M}" if isinstance(start, datetime) else f"{start}"
            if series:
                self.problem(
                    uid,
                    f"a changed occurrence (starting {when}) was left out: its RECURRENCE-ID"
                    " could not be read, so the occurrence it moves is shown at its usual time",
                )
            else:
                self.problem(
                    uid,
                    f"{NOTE_PREFIX}its RECURRENCE-ID could not be read; the occurrence starting"
                    f" {when}"
                    " was imported on its own",
                )
        return [m for m in members if m not in lost] if series else members

    def expand(self, uid: str, members: list[_Member], digest: str, out: list[Occurrence]) -> None:
        """Append the group's occurrences in the window to ``out`` as they are found (so a
        limit that stops the walk keeps them), each rule started near the window."""
        calendar = Calendar()
        for member in members:
            calendar.add_component(member.event)
        query = recurring_ical_events.of(calendar)
        for series in query.series:
            compat.start_near(series, self.ctx.window_start)
            out.extend(
                self.convert_series(
                    series.between(self.ctx.window_start, self.ctx.window_end), uid, digest
                )
            )

    def convert_series(
        self, occurrences: Iterable[Any], uid: str, digest: str
    ) -> Iterator[Occurrence]:
        for count, occurrence in enumerate(occurrences, start=1):
            if count > self.max_occurrences:
                self.problem(
                    uid,
                    f"it repeats more than {self.max_occurrences:,} times in the sync window;"
                    f" only the first {self.max_occurrences:,} were imported",
                )
                return
            yield convert_occurrence(occurrence, uid, digest, self.ctx.floating)

    def cut(
        self,
        uid: str,
        members: list[_Member],
        digest: str,
        found: list[Occurrence],
        reason: str,
    ) -> list[Occurrence]:
        """A series stopped by a limit: keep what was found, and the moved occurrences."""
        if not found:
            return self.fallback(uid, members, digest, reason)
        last = max(_instant_of(o.start) for o in found)
        self.problem(
            uid,
            f"{reason}; {_plural(len(found), 'occurrence')} up to {last:%Y-%m-%d} were imported,"
            " any later ones were not",
        )
        have = {o.recurrence_id for o in found}
        for occurrence in self.fallback_occurrences(uid, members, digest, moved_only=True):
            if occurrence.recurrence_id not in have:
                found.append(occurrence)
        return found

    def fallback(
        self, uid: str, members: list[_Member], digest: str, reason: str
    ) -> list[Occurrence]:
        """Import what is certain (the first occurrence and the moved ones) and say why."""
        self.problem(
            uid, f"{reason}; only its first occurrence and changed occurrences were imported"
        )
        return self.fallback_occurrences(uid, members, digest, moved_only=False)

    def fallback_occurrences(
        self, uid: str, members: list[_Member], digest: str, *, moved_only: bool
    ) -> list[Occurrence]:
        out: list[Occurrence] = []
        masters = [m for m in members if "RECURRENCE-ID" not in m.event]
        all_day = bool(masters) and is_date_only(masters[0].event["DTSTART"].dt)
        for member in members:
            try:
                rid_prop = member.event.get("RECURRENCE-ID")
                if rid_prop is not None:
                    rid = _format_recurrence_id(rid_prop.dt, all_day, self.ctx.floating)
                elif moved_only:
                    continue
                elif any(name in member.event for name in ("RRULE", "RDATE")):
                    rid = _format_recurrence_id(
                        member.event["DTSTART"].dt, all_day, self.ctx.floating
                    )
                else:
                    rid = ""
                out.extend(self.single(member, uid, rid, digest))
            except Exception as error:
                self.problem(uid, f"skipped an event: {_short(error)}")
        return out


def _too_slow() -> FeedTooCostly:
    return FeedTooCostly(
        f"working out its repeating events took longer than {FEED_SECONDS:g} s (a feed's limit)"
    )


def _instant_of(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=UTC)


def _short(error: BaseException) -> str:
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


def convert_occurrence(occurrence: Any, uid: str, digest: str, floating: tzinfo) -> Occurrence:
    """Turn a recurring-ical-events occurrence into ours without copying its component.

    ``as_component()`` copies every property of every instance; reading the
    adapter's component directly is what makes expansion cheap.
    """
    adapter = occurrence._adapter
    event = adapter._component
    start, end = occurrence.start, occurrence.end
    all_day_series = is_date_only(start)
    rid_prop = event.get("RECURRENCE-ID")
    if rid_prop is not None:
        original = rid_prop.dt
        all_day_series = is_date_only(original) or (
            all_day_series and isinstance(original, datetime) and original.time() == time(0)
        )
        if adapter.this_and_future and start != adapter.start:
            original = start - adapter.move_recurrences_by
        recurrence_id = _format_recurrence_id(original, all_day_series, floating)
    elif "RRULE" in event or "RDATE" in event:
        recurrence_id = _format_recurrence_id(start, all_day_series, floating)
    else:
        recurrence_id = ""
    return _make(event, uid, recurrence_id, start, end, digest, floating)


def _parse_header(prepared: Prepared, problems: list[Problem]) -> Calendar:
    """The calendar's properties and VTIMEZONEs; one bad zone costs only itself.

    A feed's header rarely changes between syncs, and reading its VTIMEZONEs with
    icalendar is most of the cost of a re-sync that parses one changed event: the
    last few are kept (the result is only read, never changed).
    """
    calendar, notes = _header(prepared.header)
    problems.extend(Problem("", note) for note in notes)
    return calendar


@lru_cache(maxsize=8)
def _header(text: str) -> tuple[Calendar, tuple[str, ...]]:
    head = "BEGIN:VCALENDAR\r\n" + text
    try:
        return Calendar.from_ical(head + "\r\nEND:VCALENDAR\r\n"), ()
    except Exception:
        problems: list[Problem] = []
        calendar = _parse_header_parts(head, problems)
        return calendar, tuple(problem.reason for problem in problems)


def _parse_events(sources: list[EventSource], problems: list[Problem]) -> list[Event]:
    """Parse ``sources`` with icalendar in one go; if that fails, event by event.

    An event that cannot be read at all is reported and kept as an empty
    placeholder (it has no DTSTART, so it is skipped), so the list stays in step
    with ``sources``.
    """
    if not sources:
        return []
    text = "BEGIN:VCALENDAR\r\n" + "\r\n".join(s.ical() for s in sources) + "\r\nEND:VCALENDAR\r\n"
    try:
        calendar = Calendar.from_ical(text)
        events = [c for c in calendar.subcomponents if isinstance(c, Event)]
        if len(events) == len(sources):
            return events
    except Exception:
        pass
    out: list[Event] = []
    for source in sources:
        try:
            event = Event.from_ical(source.ical() + "\r\n")
        except Exception as error:
            problems.append(
                Problem(source.uid, f"skipped an event that could not be read ({_short(error)})")
            )
            event = Event()
            event["X-KARA-UNREADABLE"] = "1"
        out.append(event)
    return out


def _parse_header_parts(head: str, problems: list[Problem]) -> Calendar:
    """Calendar properties and each VTIMEZONE on their own, so one bad zone costs only itself."""
    first, _, zones = head.partition("\r\nBEGIN:VTIMEZONE\r\n")
    try:
        calendar = Calendar.from_ical(first + "\r\nEND:VCALENDAR\r\n")
    except Exception:
        calendar = Calendar()
    for block in ("BEGIN:VTIMEZONE\r\n" + zones).split("\r\nEND:VTIMEZONE\r\n") if zones else []:
        if not block.startswith("BEGIN:VTIMEZONE"):
            continue
        try:
            calendar.add_component(Timezone.from_ical(block + "\r\nEND:VTIMEZONE\r\n"))
        except Exception:
            tzid = next((line[5:] for line in block.split("\r\n") if line.startswith("TZID:")), "")
            problems.append(Problem("", f"the definition of time zone {tzid!r} could not be read"))
    return calendar


@dataclass(slots=True)
class _Split:
    """Which VEVENTs icalendar must read; the rest are plain, plain series, or outside."""

    complex: list[int] = field(default_factory=list)  # indexes into the events, file order
    simple: list[tuple[EventSource, Simple]] = field(default_factory=list)
    series: list[list[tuple[int, EventSource, Simple]]] = field(default_factory=list)
    zones: set[tuple[str, bool]] = field(default_factory=set)


def _split(
    events: list[EventSource],
    window_start: datetime,
    window_end: datetime,
    keys: list[str] | None = None,
) -> _Split:
    """Sort the VEVENTs by UID group: plain singles, plain series, groups outside the window,
    and the rest (for icalendar).

    The choice is per group, never per feed: one odd event only sends itself and
    the events that share its UID to icalendar. UIDs are counted first so that a
    lone plain event outside the window is dropped at once, text and all: a
    ten-year feed is mostly such events, and holding them costs memory. ``keys``, when
    given, are the events' group keys from the body's outline (the same, found cheaper).
    """
    horizon = Horizon(window_start, window_end)
    if keys is None or len(keys) != len(events):
        keys = [uid_key(source, clean_text) or f"no-uid-{source.digest}" for source in events]
    counts = Counter(keys)
    split = _Split()
    groups: dict[str, list[tuple[int, EventSource, Simple | None]]] = {}
    for index, (source, key) in enumerate(zip(events, keys, strict=True)):
        simple = read_simple(source.text, clean_text)
        if counts[key] > 1:
            groups.setdefault(key, []).append((index, source, simple))
        elif simple is not None and not simple.recurs:
            if simple.duration is None and horizon.outside(*_text_span(simple)):
                split.zones.update(zone_ids("", simple))  # unknown zones are still reported
            else:
                split.simple.append((source, simple))
            source.text = ""  # never read again
        else:
            _place(split, [(index, source, simple)], horizon, window_end)
    for members in groups.values():
        _place(split, members, horizon, window_end)
    split.complex.sort()
    return split


def _text_span(simple: Simple) -> tuple[str, str]:
    first = simple.start.text
    last = simple.end.text if simple.end is not None else first
    return min(first, last), max(first, last)


def _place(
    split: _Split,
    members: list[tuple[int, EventSource, Simple | None]],
    horizon: Horizon,
    window_end: datetime,
) -> None:
    """Put one UID group where it belongs: outside the window, plain series or icalendar."""
    if cannot_reach(((source, simple) for _, source, simple in members), horizon):
        for _, source, simple in members:
            split.zones.update(zone_ids(source.text, simple))
            source.text = ""
    elif all(simple is not None for _, _, simple in members) and plain_series(
        [simple for _, _, simple in members],
        window_end,
        MAX_RULE_STEPS,
    ):
        split.series.append(members)
    else:
        split.complex.extend(index for index, _, _ in members)


def _simple_occurrences(split: _Split, reader: Reader, ctx: _Context) -> list[Occurrence]:
    """Occurrences of the plain single events near the window, as the icalendar path would
    give them."""
    out: list[Occurrence] = []
    window_start, window_end = ctx.window_start, ctx.window_end
    for source, event in split.simple:
        uid = event.key or f"no-uid-{source.digest}"
        if event.start.tzid is not None:
            reader.zone(event.start.tzid, event.start.utc)  # unknown zones are reported
        if event.end is not None and event.end.tzid is not None:
            reader.zone(event.end.tzid, event.end.utc)
        try:
            start, end = reader.span(event)
            if not time_span_contains_event(window_start, window_end, start, end):
                continue
            start_n, end_n, all_day = _span(start, end, ctx.floating)
        except Exception as error:
            ctx.problems.append(Problem(uid, f"skipped an event: {_short(error)}"))
            continue
        out.append(_occurrence(event, uid, "", start_n, end_n, all_day, source.digest))
    return out


def _occurrence(
    event: Simple,
    uid: str,
    recurrence_id: str,
    start: datetime | date,
    end: datetime | date,
    all_day: bool,
    digest: str,
) -> Occurrence:
    return Occurrence(
        uid=uid,
        recurrence_id=recurrence_id,
        start=start,
        end=end,
        all_day=all_day,
        summary=event.summary,
        location=event.location,
        busy=event.busy,
        cancelled=event.cancelled,
        component_hash=digest,
    )


def _series_occurrences(
    members: list[tuple[int, EventSource, Simple]], reader: Reader, ctx: _Context, limit: int
) -> list[Occurrence] | None:
    """A plain series expanded without icalendar, as convert_occurrence would give it; None
    when the full path must decide."""
    master = next(simple for _, _, simple in members if simple.recurrence_id is None)
    overrides = [simple for _, _, simple in members if simple.recurrence_id is not None]
    for _, source, simple in members:
        for tzid, utc in zone_ids(source.text, simple):
            reader.zone(tzid, utc)
    found = reader.expand(master, overrides, ctx.window_start, ctx.window_end, limit)
    if found is None:
        return None
    uid = master.key or f"no-uid-{members[0][1].digest}"
    if len(members) == 1:
        digest = members[0][1].digest
    else:
        joined = "\n".join(sorted(source.digest for _, source, _ in members))
        digest = hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()
    out: list[Occurrence] = []
    seen: set[str] = set()
    for event, start, end, original in found:
        if original is None and type(start) is datetime and start.tzinfo is not None:
            # _format_recurrence_id, _span and _occurrence for an aware start, sharing one
            # conversion (this loop makes most of a busy feed's occurrences)
            start_n = start.astimezone(UTC)
            end_n = end.astimezone(UTC)
            recurrence_id = "%04d%02d%02dT%02d%02d%02dZ" % (  # noqa: UP031 - strftime in half the time
                start_n.year,
                start_n.month,
                start_n.day,
                start_n.hour,
                start_n.minute,
                start_n.second,
            )
            if recurrence_id in seen:
                return None
            seen.add(recurrence_id)
            out.append(
                Occurrence(
                    uid,
                    recurrence_id,
                    start_n,
                    end_n if end_n > start_n else start_n,
                    False,
                    event.summary,
                    event.location,
                    event.busy,
                    event.cancelled,
                    digest,
                )
            )
            continue
        if original is None:
            recurrence_id = _format_recurrence_id(start, is_date_only(start), ctx.floating)
        else:
            all_day_series = is_date_only(original) or (
                is_date_only(start)
                and isinstance(original, datetime)
                and original.time() == time(0)
            )
            recurrence_id = _format_recurrence_id(original, all_day_series, ctx.floating)
        if recurrence_id in seen:
            return None  # which copy wins depends on set order in the full path: let it report
        seen.add(recurrence_id)
        start_n, end_n, all_day = _span(start, end, ctx.floating)
        out.append(_occurrence(event, uid, recurrence_id, start_n, end_n, all_day, digest))
    return out


def _events(
    body: bytes,
    window_start: datetime,
    window_end: datetime,
    default_tz: tzinfo,
    *,
    fast: bool = True,
    max_occurrences: int = 5000,
    dropped_zones: Iterable[tuple[str, bool]] = (),
    keys: list[str] | None = None,
) -> tuple[Prepared, list[_Member], _Context, list[Occurrence]]:
    """Everything up to expansion: repaired text, parsed events with real zones, grouped context.

    With ``fast``, plain single events and plain series become occurrences here
    without icalendar and groups that cannot reach the window are left out; the
    returned members are only what icalendar had to read. ``dropped_zones`` are the
    zones of events the caller already left out of ``body`` (they are reported alike);
    ``keys`` the group keys of the events in ``body``, when its outline has them.
    """
    _check_window(window_start, window_end)
    try:
        prepared = prepare(body)
    except NotICalendar as error:
        raise FeedUnreadable(str(error)) from None
    problems = [Problem("", note) for note in prepared.notes]
    for source in prepared.events:
        if source.skipped_lines:
            problems.append(
                Problem(
                    uid_key(source, clean_text) or f"no-uid-{source.digest}",
                    f"{NOTE_PREFIX}{source.skipped_lines} {SKIPPED_SAID}",
                )
            )
    for index, copies in prepared.copies.items():
        source = prepared.events[index]
        problems.append(
            Problem(
                uid_key(source, clean_text) or f"no-uid-{source.digest}",
                f"{NOTE_PREFIX}{_plural(copies, 'exact copy', 'exact copies')} of this event"
                f" {'was' if copies == 1 else 'were'} ignored",
            )
        )
    header = _parse_header(prepared, problems)
    timezones = [c for c in header.subcomponents if isinstance(c, Timezone)]
    resolver = ZoneResolver(timezones, default_tz)
    x_wr = to_iana(prepared.x_wr_timezone) if prepared.x_wr_timezone else None
    if prepared.x_wr_timezone and x_wr is None:
        problems.append(
            Problem("", f"the calendar's time zone {prepared.x_wr_timezone!r} is unknown")
        )
    prodid = header.get("PRODID")
    floating, floating_note = floating_zone(
        resolver, x_wr, default_tz, "" if prodid is None else str(prodid)
    )
    if floating_note is not None:
        problems.append(Problem("", floating_note))
    ctx = _Context(window_start, window_end, floating, problems)
    done: list[Occurrence] = []
    if fast:
        split = _split(prepared.events, window_start, window_end, keys)
        split.zones.update(dropped_zones)  # events left out before prepare(), as _split would
        reader = Reader(
            lambda value, tzid: localize_value(value, tzid, resolver, None), x_wr, floating
        )
        for tzid, utc in sorted(split.zones):
            reader.zone(tzid, utc)  # the skipped groups' zones are reported like the others
        done = _simple_occurrences(split, reader, ctx)
        chosen = split.complex
        for members in split.series:
            expanded = _series_occurrences(members, reader, ctx, max_occurrences)
            if expanded is None:
                chosen.extend(index for index, _, _ in members)
            else:
                done.extend(expanded)
        sources = [prepared.events[index] for index in sorted(chosen)]
    else:
        sources = prepared.events
    events = _parse_events(sources, problems)
    for event in events:
        drop_broken(event)
        localize_event(event, resolver, None)
    if x_wr is not None and events:
        calendar = Calendar()
        calendar.subcomponents = list(events)
        events = list(x_wr_timezone.to_standard(calendar, timezone=x_wr).subcomponents)
    for event in events:
        localize_event(event, resolver, floating)
    for tzid in sorted(resolver.unknown):
        problems.append(
            Problem(
                "", f"time zone {tzid!r} is unknown; its times were read as {zone_name(default_tz)}"
            )
        )
    members = [
        _Member(event, source)
        for event, source in zip(events, sources, strict=True)
        if "X-KARA-UNREADABLE" not in event
    ]
    return prepared, members, ctx, done


def _group(members: list[_Member]) -> dict[str, list[_Member]]:
    groups: dict[str, list[_Member]] = {}
    for member in members:
        uid = clean_text(member.event.get("UID")) or f"no-uid-{member.source.digest}"
        groups.setdefault(uid, []).append(member)
    return groups


_STORAGE_KEY = attrgetter("uid", "recurrence_id")


def _dedupe(occurrences: list[Occurrence], problems: list[Problem]) -> list[Occurrence]:
    """Keep one occurrence per (UID, RECURRENCE-ID): storage is keyed by that pair."""
    if len(set(map(_STORAGE_KEY, occurrences))) == len(occurrences):
        return occurrences  # the usual case, found without a Python loop
    seen: set[tuple[str, str]] = set()
    out: list[Occurrence] = []
    for occurrence in occurrences:
        key = (occurrence.uid, occurrence.recurrence_id)
        if key in seen:
            problems.append(
                Problem(
                    occurrence.uid,
                    f"a duplicate of occurrence {occurrence.recurrence_id or 'the event'} was ignored",
                )
            )
            continue
        seen.add(key)
        out.append(occurrence)
    return out


def parse_feed(
    body: bytes,
    *,
    window_start: datetime,
    window_end: datetime,
    max_occurrences_per_series: int = 20_000,
    max_seconds_per_series: float = SERIES_SECONDS,
    default_tz: tzinfo = UTC,
    only: Collection[str] | None = None,
    outline: Outline | None = None,
    budget: Budget | None = None,
    unknown_length: timedelta = timedelta(hours=1),
) -> ParseResult:
    """Parse a feed body into the occurrences that overlap [window_start, window_end).

    Overlap follows recurring-ical-events: the end is exclusive and an event of
    zero length at window_start counts. All-day dates are compared as midnights
    in the window's own zone (give the window in UTC and they are UTC days; in
    the practice zone and they are local days); they stay dates in the result.
    ``default_tz`` reads floating times (RFC 5545 3.3.5: the same wall-clock
    time wherever viewed; unless the feed names its zone in X-WR-TIMEZONE, or
    its producer is one that means its only VTIMEZONE, which a note says) and
    TZIDs nothing can resolve; pass the practice zone.

    With ``only`` (UID group keys, as in ``Outline.groups`` and
    ``Occurrence.uid``), the result holds the occurrences of exactly those
    groups and their problems, the same as the whole parse gives for them; the
    other groups are cut out at byte level before any parsing when the body has
    an outline. Problems without a UID then come from the calendar's head and
    the chosen groups only (an unknown zone that only other groups use is not
    reported), and ``event_count`` still counts the whole body. ``outline``
    passes ``outline(body)`` when the caller already has it (it must be of
    this very body); ``ParseResult.outline`` is it.

    Raises:
        FeedUnreadable: the body is not an iCalendar at all.
        ValueError: the window is naive or empty.
    """
    _check_window(window_start, window_end)
    if outline is None or outline.size != len(body):
        outline = outline_of(body)
    common: dict[str, Any] = {
        "window_start": window_start,
        "window_end": window_end,
        "max_occurrences_per_series": max_occurrences_per_series,
        "max_seconds_per_series": max_seconds_per_series,
        "default_tz": default_tz,
        "fast": True,
        "budget": Budget() if budget is None else budget,
        "unknown_length": unknown_length,
    }
    # icalendar says some things as Python warnings: printed, they would land on the user's
    # terminal as source lines. A vendor TZID it guessed is no news (ZoneResolver reads such
    # names itself, every time; icalendar warns only the first time in a process); anything
    # else is a problem of the feed as a whole.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = _parse_some(body, only, outline, common)
        except FeedTooCostly as error:
            raise FeedUnreadable(f"the feed is too costly to read: {error}") from None
    notes = dict.fromkeys(
        _warning_note(w.message) for w in caught if not issubclass(w.category, _GUESSED_TZID)
    )
    result.problems.extend(Problem("", note) for note in notes)
    return result


def _warning_note(message: Warning | str) -> str:
    """A warning from a library, as a feed problem in plain words."""
    return f"note while reading the feed: {clean_text(str(message)).split('. ')[0][:200]}"


def _parse_some(
    body: bytes, only: Collection[str] | None, outline: Outline | None, common: dict[str, Any]
) -> ParseResult:
    """The whole body, or only the UID groups in ``only`` (cut out first when it has an
    outline), parsed with ``common``: _parse_feed's keyword arguments."""
    if only is None:
        return _parse_feed(body, **common, outline=outline)
    wanted = set(only)
    part = select(body, outline, wanted) if outline is not None else None
    result = _parse_feed(body if part is None else part, **common)
    return ParseResult(
        occurrences=[o for o in result.occurrences if o.uid in wanted],
        problems=[p for p in result.problems if p.uid in wanted or not p.uid],
        calendar_name=result.calendar_name,
        event_count=result.event_count if outline is None else outline.event_count,
        outline=outline,
    )


def _parse_feed(
    body: bytes,
    *,
    window_start: datetime,
    window_end: datetime,
    max_occurrences_per_series: int,
    max_seconds_per_series: float,
    default_tz: tzinfo,
    fast: bool,
    outline: Outline | None = None,
    budget: Budget | None = None,
    unknown_length: timedelta = timedelta(hours=1),
) -> ParseResult:
    """parse_feed, with the fast path switchable so tests can hold the two to the same result.

    The fast path first cuts the UID groups that cannot reach the window out of the
    body at byte level (most of a long history), when the body has an outline.
    """
    _check_window(window_start, window_end)
    if fast and outline is None:
        outline = outline_of(body)
    source, dropped_zones, event_count, keys = body, set[tuple[str, bool]](), None, None
    if fast and outline is not None:
        keys = list(outline.block_uids)
        cut = _without_groups_outside(body, outline, window_start, window_end)
        if cut is not None:
            source, kept, dropped_zones = cut
            event_count = outline.event_count
            keys = [keys[index] for index in kept]
    prepared, members, ctx, occurrences = _events(
        source,
        window_start,
        window_end,
        default_tz,
        fast=fast,
        max_occurrences=max_occurrences_per_series,
        dropped_zones=dropped_zones,
        keys=keys,
    )
    ctx.unknown_length = unknown_length
    if budget is None:
        budget = Budget()
    budget.store(len(occurrences))
    with Watchdog() as watchdog:
        expander = _Expander(
            ctx, watchdog, max_occurrences_per_series, max_seconds_per_series, budget
        )
        for uid, group in _group(members).items():
            try:
                found = expander.group(uid, group)
            except FeedTooCostly:
                raise
            except Exception as error:
                ctx.problems.append(Problem(uid, f"skipped an event: {_short(error)}"))
                continue
            budget.store(len(found))
            occurrences.extend(found)
    return ParseResult(
        occurrences=_dedupe(occurrences, ctx.problems),
        problems=_once_per_kind(ctx.problems),
        calendar_name=clean_text(_unescape(prepared.calendar_name)) or None,
        event_count=(
            len(prepared.events) + sum(prepared.copies.values())
            if event_count is None
            else event_count
        ),
        outline=outline,
    )


def _once_per_kind(problems: list[Problem]) -> list[Problem]:
    """Each (UID, reason) once, with how many times it happened: a feed of a hundred
    thousand broken copies makes one note, not a hundred thousand rows."""
    counts = Counter(problems)
    if len(counts) == len(problems):
        return problems
    return [
        problem if times == 1 else Problem(problem.uid, f"{problem.reason} ({times:,} times)")
        for problem, times in counts.items()
    ]


def _without_groups_outside(
    body: bytes, outline: Outline, window_start: datetime, window_end: datetime
) -> tuple[bytes, list[int], set[tuple[str, bool]]] | None:
    """The body without the UID groups that surely cannot reach the window, the indexes of the
    blocks kept, and the dropped ones' zones; None when nothing can be left out or leaving
    it out could change what prepare() notes."""
    horizon = Horizon(window_start, window_end)
    if not _mostly_outside(body, horizon) or not _utf8(body):
        return None  # prepare() would not say that dropped text was badly encoded
    found = groups_outside(body, outline.block_uids, block_region(body), horizon)
    if found is None or len(found[0]) == outline.event_count:
        return None
    kept, zones = found
    cut = keep_blocks(body, outline, kept, max_block=MAX_LINE_CHARS)  # a line too long: noted
    return None if cut is None else (cut, kept, zones)


_START_DAY = re.compile(rb"\nDTSTART[^:\r\n]*:([0-9]{8})")


def _mostly_outside(body: bytes, horizon: Horizon) -> bool:
    """Whether at least one VEVENT in eight starts outside the window: only then can
    leaving groups out pay for looking for them (a feed of this year's events cannot)."""
    days = _START_DAY.findall(body)
    low, high = horizon.low.encode(), horizon.high.encode()
    outside = sum(1 for day in days if day < low or day > high)
    return outside * 8 >= len(days)


def _utf8(body: bytes) -> bool:
    if body.isascii():
        return True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def expand_reference(
    body: bytes, *, window_start: datetime, window_end: datetime, default_tz: tzinfo = UTC
) -> list[Occurrence]:
    """The plain way: the same repaired calendar expanded whole by recurring-ical-events.

    No fast path for single events, no per-series calendars, no bounds. Tests
    and benchmarks compare :func:`parse_feed` against it; never use it on
    untrusted feeds.
    """
    _, members, ctx, _ = _events(body, window_start, window_end, default_tz, fast=False)
    calendar = Calendar()
    for member in members:
        if _tidy(member.event) is None:
            calendar.add_component(member.event)
    keys: dict[int, tuple[str, str]] = {}
    for uid, group in _group(members).items():
        digest = _series_digest(group)
        for member in group:
            keys[id(member.event)] = (uid, digest)
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    out: list[Occurrence] = []
    for series in query.series:
        try:
            found = list(series.between(window_start, window_end))
        except Exception:
            continue
        for occurrence in found:
            uid, digest = keys[id(occurrence._adapter._component)]
            out.append(convert_occurrence(occurrence, uid, digest, ctx.floating))
    return _dedupe(out, [])


def _unescape(text: str | None) -> str | None:
    if text is None:
        return None
    return (
        text.replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\\\", "\\")
    )
