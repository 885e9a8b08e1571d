"""What one view shows: its date range, and everything in it, read in one go by a worker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from kara_tui.clock import Clock
from kara_tui.domain import (
    Client,
    ExternalEvent,
    Feed,
    Professional,
    Session,
    SessionStatus,
    TimeOff,
)
from kara_tui.policy.conflicts import event_blocks
from kara_tui.timeparse import day_start

AGENDA_DAYS = 28


class CalendarReads(Protocol):
    """What the calendar reads a page (and the clients' names) with: the Practice's methods of
    these names, or db.quick_reads.QuickReader's on SQLite (the same values, without
    SQLAlchemy, so that the first week is drawn before it is imported)."""

    def professional(self) -> Professional: ...
    def list_sessions(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[Session]: ...
    def list_time_off(
        self, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[TimeOff]: ...
    def visible_events(
        self, start: datetime, end: datetime, tz: ZoneInfo | None = None
    ) -> list[ExternalEvent]: ...
    def calendar_feeds(self) -> list[Feed]: ...
    def rescheduled_to(self, session_ids: list[int]) -> dict[int, datetime]: ...
    def is_empty(self) -> bool: ...
    def session_after(self, moment: datetime) -> tuple[int, datetime] | None: ...
    def session_before(self, moment: datetime) -> tuple[int, datetime] | None: ...
    def change_token(self) -> object: ...
    def list_clients(self, *, include_archived: bool = False) -> list[Client]: ...
    def series_left(self, series_ids: list[int], now: datetime) -> dict[int, int]: ...


class View(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    AGENDA = "agenda"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def add_months(day: date, months: int) -> date:
    """The same day number ``months`` later, clamped to the month's end (31 Jan + 1 = 28 Feb)."""
    import calendar  # on the first month step: the first week does not need it (~1.4 ms)

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, slots=True)
class Span:
    """The days a view shows: ``first`` and the ``days`` after it."""

    first: date
    days: int

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.days - 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]


def span_for(view: View, cursor: date, agenda_first: date | None = None) -> Span:
    """The days ``view`` shows around ``cursor`` (the agenda keeps its start while it can)."""
    if view is View.DAY:
        return Span(cursor, 1)
    if view is View.WEEK:
        return Span(monday(cursor), 7)
    if view is View.MONTH:
        return Span(monday(cursor.replace(day=1)), 42)
    if agenda_first is not None and agenda_first <= cursor < agenda_first + timedelta(
        days=AGENDA_DAYS
    ):
        return Span(agenda_first, AGENDA_DAYS)
    return Span(cursor, AGENDA_DAYS)


@dataclass(frozen=True, slots=True)
class CalendarData:
    """Frozen values for one span: what the widgets draw. Built off the UI thread."""

    span: Span
    tz: ZoneInfo
    professional: Professional
    sessions: tuple[Session, ...]
    time_off: tuple[TimeOff, ...]
    events: tuple[ExternalEvent, ...]
    conflicts: frozenset[int]  # live sessions overlapping a busy event, time off or a session
    now: datetime
    empty_practice: bool = False
    feeds: Mapping[int, Feed] = field(default_factory=dict)  # by id: colour and stale flag
    # Cancelled sessions a reschedule replaced, by id: the new session's start. They read
    # "moved", not "late": nothing was charged for them.
    moved: Mapping[int, datetime] = field(default_factory=dict)
    # Series with an end, by id: how many scheduled sessions are still to come (section 6
    # flags two or fewer, so that the next block is offered in time).
    series_left: Mapping[int, int] = field(default_factory=dict)

    def few_left(self, session: Session) -> int | None:
        """Sessions left in ``session``'s series when they are few (FEW_LEFT), else None."""
        # The policy's module is imported when the agenda first asks, not for the first week.
        from kara_tui.policy.series_place import FEW_LEFT

        left = self.series_left.get(session.series_id) if session.series_id else None
        return left if left is not None and left <= FEW_LEFT else None

    def moved_to(self, session: Session) -> datetime | None:
        return self.moved.get(session.id)

    def feed_of(self, event: ExternalEvent) -> Feed | None:
        return self.feeds.get(event.feed_id)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def local_day(self, value: datetime) -> date:
        return value.astimezone(self.tz).date()

    def sessions_on(self, day: date) -> list[Session]:
        start, end = day_start(day, self.tz), day_start(day + timedelta(days=1), self.tz)
        return [s for s in self.sessions if s.start < end and start < s.end]

    def first_session_on(self, day: date) -> Session | None:
        return next((s for s in self.sessions if self.local_day(s.start) == day), None)

    def session(self, session_id: int | None) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)


def free_start(data: CalendarData, day: date, minutes: int) -> datetime:
    """The first whole hour of ``day`` (after now, inside working hours) with room for a session."""
    pro = data.professional
    tz = data.tz
    opens, closes = pro.working_hours.on(day.weekday()) or (
        pro.working_hours.start,
        pro.working_hours.end,
    )
    first = datetime.combine(day, opens, tzinfo=tz)
    if day == data.today:
        next_hour = data.now.astimezone(tz).replace(minute=0, second=0, microsecond=0)
        first = max(first, next_hour + timedelta(hours=1))
    close = datetime.combine(day, closes, tzinfo=tz)
    pad, length = timedelta(minutes=pro.buffer_minutes), timedelta(minutes=minutes)
    busy = [(s.start, s.end) for s in data.sessions if s.status is not SessionStatus.CANCELLED]
    busy += [(t.start, t.end) for t in data.time_off]
    busy += [e.span(tz) for e in data.events if blocks(e, data.feeds)]
    candidate = first
    while candidate + length <= close:
        if not any(a - pad < candidate + length and candidate < b + pad for a, b in busy):
            return candidate
        candidate += timedelta(hours=1)
    return first


def overlapping_sessions(sessions: list[Session] | tuple[Session, ...]) -> set[int]:
    """Ids of live sessions that overlap another live session (a forced double booking)."""
    live = sorted(
        (s for s in sessions if s.status is not SessionStatus.CANCELLED), key=lambda s: s.start
    )
    found: set[int] = set()
    for i, a in enumerate(live):
        for b in live[i + 1 :]:
            if b.start >= a.end:
                break
            found.update((a.id, b.id))
    return found


def blocks(event: ExternalEvent, feeds: Mapping[int, Feed]) -> bool:
    """Whether ``event`` makes a conflict (the policy's rule, with its feed's setting)."""
    feed = feeds.get(event.feed_id)
    return not event.cancelled and event_blocks(
        event.start,
        event.end,
        all_day=event.all_day,
        busy=event.busy,
        block_all_day=feed is not None and feed.block_all_day,
    )


def clashing_with_events(
    sessions: tuple[Session, ...],
    events: tuple[ExternalEvent, ...],
    tz: ZoneInfo,
    feeds: Mapping[int, Feed],
) -> set[int]:
    """Practice.sessions_overlapping_busy_events, on the rows this view has already read.

    (Calling the service would read the range's sessions and events a second time, doubling
    the cost of every page turn on a busy calendar; tests keep the two in agreement.)
    """
    spans = [e.span(tz) for e in events if blocks(e, feeds)]
    return {
        s.id
        for s in sessions
        if s.status is not SessionStatus.CANCELLED
        and any(a < s.end and s.start < b for a, b in spans)
    }


def in_time_off(sessions: tuple[Session, ...], time_off: tuple[TimeOff, ...]) -> set[int]:
    """Ids of live sessions inside time off blocked after they were booked (a series' dates
    under a holiday, say): they show as conflicts until moved or cancelled."""
    return {
        s.id
        for s in sessions
        if s.status is not SessionStatus.CANCELLED
        and any(t.start < s.end and s.start < t.end for t in time_off)
    }


def load(practice: CalendarReads, span: Span, clock: Clock, *, first: bool = False) -> CalendarData:
    """Read everything ``span`` shows. Runs in a thread worker: only the visible range is queried."""
    pro = practice.professional()
    tz = ZoneInfo(pro.timezone)
    start = day_start(span.first, tz)
    end = day_start(span.last + timedelta(days=1), tz)
    sessions = tuple(practice.list_sessions(start=start, end=end))
    time_off = tuple(practice.list_time_off(start=start, end=end))
    events = tuple(practice.visible_events(start, end, tz))
    feeds = {f.id: f for f in practice.calendar_feeds()} if events else {}
    conflicts = overlapping_sessions(sessions) | clashing_with_events(sessions, events, tz, feeds)
    conflicts |= in_time_off(sessions, time_off)
    empty = first and not sessions and practice.is_empty()
    cancelled = [s.id for s in sessions if s.status is SessionStatus.CANCELLED]
    moved = practice.rescheduled_to(cancelled) if cancelled else {}
    series_ids = sorted({s.series_id for s in sessions if s.series_id is not None})
    series_left = practice.series_left(series_ids, clock.now()) if series_ids else {}
    return CalendarData(
        span=span,
        tz=tz,
        professional=pro,
        sessions=sessions,
        time_off=time_off,
        events=events,
        conflicts=frozenset(conflicts),
        now=clock.now(),
        empty_practice=empty,
        feeds=feeds,
        moved=moved,
        series_left=series_left,
    )
