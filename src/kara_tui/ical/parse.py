"""Parse an iCalendar feed into the occurrences that fall in a window, never trusting the feed."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast

from kara_tui.ical.budget import SERIES_OCCURRENCES, SERIES_SECONDS, Budget, FeedTooCostly
from kara_tui.ical.expand.fast import Reader, series_occurrences, simple_occurrences
from kara_tui.ical.expand.occurrence import (
    NOTE_PREFIX,
    Context,
    Occurrence,
    Problem,
    clean_text,
    error_said,
    plural,
)
from kara_tui.ical.expand.properties import uid_key
from kara_tui.ical.expand.triage import split_events, without_groups_outside
from kara_tui.ical.head import read_head
from kara_tui.ical.outline import Outline, select
from kara_tui.ical.outline import outline as outline_of
from kara_tui.ical.parts import part_bodies
from kara_tui.ical.prepare import SKIPPED_SAID, EventSource, NotICalendar, Prepared, prepare
from kara_tui.ical.timezones import (
    ZoneResolver,
    drop_broken,
    floating_zone,
    localize_event,
    localize_value,
    zone_name,
)
from kara_tui.ical.zones import to_iana

if TYPE_CHECKING:  # icalendar, recurring-ical-events and x-wr-timezone are the reference path:
    # loaded when a feed has an event or a head the fast path leaves to them (issue 19)
    from icalendar import Calendar, Event

    from kara_tui.ical.expand.reference import Member

__all__ = [  # what callers import from here; the expansion itself lives in ical/expand/
    "NOTE_PREFIX",
    "PARSE_REVISION",
    "FeedUnreadable",
    "Occurrence",
    "ParseResult",
    "Problem",
    "clean_text",
    "expand_reference",
    "parse_feed",
]

# Part of the key under which services.feeds keeps a feed's UID-group digests: bump it when
# this parser may read the same bytes into other occurrences or problems, so that every feed
# is parsed whole once more instead of keeping what an older parser made of its unchanged
# groups. (kara-tui's version is in the key too.) 2: library warnings became feed notes.
# 3: RFC 5545 readings (issue 14): floating times, rules started near the window, notes.
PARSE_REVISION = "3"


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(frozen=True, eq=False, repr=False)
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


def _check_window(window_start: datetime, window_end: datetime) -> None:
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("the window must be given as aware datetimes")
    if window_end <= window_start:
        raise ValueError("the window must end after it starts")


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
    from icalendar import Calendar

    from kara_tui.ical.compat import know_zones_by_name

    know_zones_by_name()  # the first VTIMEZONE would read every zone file on the system
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
    from icalendar import Calendar, Event

    from kara_tui.ical.compat import know_zones_by_name

    know_zones_by_name()  # the head may have been read without icalendar
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
            event = cast(Event, Event.from_ical(source.ical() + "\r\n"))  # one VEVENT's text
        except Exception as error:
            problems.append(
                Problem(
                    source.uid, f"skipped an event that could not be read ({error_said(error)})"
                )
            )
            event = Event()
            event["X-KARA-UNREADABLE"] = "1"
        out.append(event)
    return out


def _parse_header_parts(head: str, problems: list[Problem]) -> Calendar:
    """Calendar properties and each VTIMEZONE on their own, so one bad zone costs only itself."""
    from icalendar import Calendar, Timezone

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
) -> tuple[Prepared, list[Member], Context, list[Occurrence]]:
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
                f"{NOTE_PREFIX}{plural(copies, 'exact copy', 'exact copies')} of this event"
                f" {'was' if copies == 1 else 'were'} ignored",
            )
        )
    head = read_head(prepared.header)
    if head is None:  # a head of an unusual form: icalendar reads it
        from icalendar import Timezone

        header = _parse_header(prepared, problems)
        timezones = [c for c in header.subcomponents if isinstance(c, Timezone)]
        resolver = ZoneResolver(timezones, default_tz)
        prodid = header.get("PRODID")
        prodid_text = "" if prodid is None else str(prodid)
    else:
        resolver = ZoneResolver((), default_tz, head.zone_ids)
        prodid_text = head.prodid
    x_wr = to_iana(prepared.x_wr_timezone) if prepared.x_wr_timezone else None
    if prepared.x_wr_timezone and x_wr is None:
        problems.append(
            Problem("", f"the calendar's time zone {prepared.x_wr_timezone!r} is unknown")
        )
    floating, floating_note = floating_zone(resolver, x_wr, default_tz, prodid_text)
    if floating_note is not None:
        problems.append(Problem("", floating_note))
    ctx = Context(window_start, window_end, floating, problems)
    done: list[Occurrence] = []
    if fast:
        split = split_events(prepared.events, window_start, window_end, keys)
        split.zones.update(dropped_zones)  # left out before prepare(), as split_events() does
        reader = Reader(
            lambda value, tzid: localize_value(value, tzid, resolver, None), x_wr, floating
        )
        for tzid, utc in sorted(split.zones):
            reader.zone(tzid, utc)  # the skipped groups' zones are reported like the others
        done = simple_occurrences(split, reader, ctx)
        chosen = split.complex
        for series in split.series:
            expanded = series_occurrences(series, reader, ctx, max_occurrences)
            if expanded is None:
                chosen.extend(index for index, _, _ in series)
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
        import x_wr_timezone
        from icalendar import Calendar

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
    members: list[Member] = []
    if events:
        from kara_tui.ical.expand.reference import Member

        members = [
            Member(event, source)
            for event, source in zip(events, sources, strict=True)
            if "X-KARA-UNREADABLE" not in event
        ]
    return prepared, members, ctx, done


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
    max_occurrences_per_series: int = SERIES_OCCURRENCES,
    max_seconds_per_series: float = SERIES_SECONDS,
    default_tz: tzinfo = UTC,
    only: Collection[str] | None = None,
    outline: Outline | None = None,
    budget: Budget | None = None,
    unknown_length: timedelta = timedelta(hours=1),
    sink: Callable[[list[Occurrence]], None] | None = None,
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

    With ``sink`` (and no ``only``), the occurrences are handed to it part by part
    instead of being collected (``ParseResult.occurrences`` is then empty): a
    body with an outline is read a few thousand VEVENTs at a time (ical/parts.py),
    so memory does not grow with the feed. Each part holds whole UID groups and is
    free of duplicates; the problems are the whole parse's (those of the body
    itself once each, perhaps in another order).

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
            if sink is not None and only is None:
                result = _parse_in_parts(body, outline, common, sink)
            else:
                result = _parse_some(body, only, outline, common)
        except FeedTooCostly as error:
            raise FeedUnreadable(f"the feed is too costly to read: {error}") from None
    guessed: type[Warning] = Warning
    if caught:
        from icalendar import GloballyUniqueTZIDGuessed as guessed
    notes = dict.fromkeys(
        _warning_note(w.message) for w in caught if not issubclass(w.category, guessed)
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


def _parse_in_parts(
    body: bytes,
    outline: Outline | None,
    common: dict[str, Any],
    sink: Callable[[list[Occurrence]], None],
) -> ParseResult:
    """parse_feed with a sink: each part of the body parsed, then handed over, then let go."""
    parts = None if outline is None else part_bodies(body, outline)
    if parts is None or outline is None:  # no safe cut: one part, the whole body
        whole = _parse_feed(body, **common, outline=outline)
        sink(whole.occurrences)
        return ParseResult([], whole.problems, whole.calendar_name, whole.event_count, outline)
    problems: list[Problem] = []
    of_body: dict[Problem, None] = {}  # the head's problems come with every part: once each
    name = None
    for part in parts:
        result = _parse_feed(part, **common)
        del part  # neither the part's text nor its occurrences outlive its turn
        sink(result.occurrences)
        name = result.calendar_name
        for problem in result.problems:
            if problem.uid:
                problems.append(problem)
            else:
                of_body.setdefault(problem)
        del result
    return ParseResult([], [*of_body, *problems], name, outline.event_count, outline)


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
        cut = without_groups_outside(body, outline, window_start, window_end)
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
    if members:  # what the fast path left to the reference: icalendar + recurring-ical-events
        from kara_tui.ical.expand.reference import Expander, group_members
        from kara_tui.ical.watchdog import Watchdog

        with Watchdog() as watchdog:
            expander = Expander(
                ctx, watchdog, max_occurrences_per_series, max_seconds_per_series, budget
            )
            for uid, group in group_members(members).items():
                try:
                    found = expander.group(uid, group)
                except FeedTooCostly:
                    raise
                except Exception as error:
                    ctx.problems.append(Problem(uid, f"skipped an event: {error_said(error)}"))
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


def expand_reference(
    body: bytes, *, window_start: datetime, window_end: datetime, default_tz: tzinfo = UTC
) -> list[Occurrence]:
    """The plain way: the same repaired calendar expanded whole by recurring-ical-events.

    No fast path for single events, no per-series calendars, no bounds. Tests
    and benchmarks compare :func:`parse_feed` against it; never use it on
    untrusted feeds.
    """
    from kara_tui.ical.expand.reference import expand_whole

    _, members, ctx, _ = _events(body, window_start, window_end, default_tz, fast=False)
    return _dedupe(expand_whole(members, ctx), [])


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
