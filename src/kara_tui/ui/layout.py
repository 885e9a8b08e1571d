"""Where things sit in a day column of the hour grid: rows, lanes for overlaps (no Textual here)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kara_tui.domain import ExternalEvent, Session, TimeOff, WorkingHours, instant

ROWS_PER_HOUR = 3  # one row is 20 minutes: a 50-minute session gets three lines
ROWS_PER_DAY = 24 * ROWS_PER_HOUR
MINUTES_PER_ROW = 60 // ROWS_PER_HOUR
# Cells a session's line keeps for the client's name after its time; narrower, the line
# drops the time (the grid's gutter or the day says it) rather than the name.
NAME_ROOM = 5


@dataclass(frozen=True, slots=True)
class Block:
    """A session or an external event placed in a day column; ``bottom`` is exclusive."""

    item: Session | ExternalEvent
    top: int
    bottom: int
    lane: int = 0
    lanes: int = 1
    starts_before: bool = False  # began on an earlier day

    @property
    def is_session(self) -> bool:
        return isinstance(self.item, Session)


@dataclass(frozen=True, slots=True)
class Shade:
    """Time off inside a day column."""

    top: int
    bottom: int
    reason: str


def _minute_of_day(value: datetime, day: date, tz: ZoneInfo) -> int:
    """Minutes since the day's midnight on the wall clock, clamped to the day."""
    local = value.astimezone(tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def row_of(value: datetime, tz: ZoneInfo) -> int:
    local = value.astimezone(tz)
    return (local.hour * 60 + local.minute) // MINUTES_PER_ROW


def rows_for(start: datetime, end: datetime, day: date, tz: ZoneInfo) -> tuple[int, int]:
    top = _minute_of_day(start, day, tz) // MINUTES_PER_ROW
    bottom = math.ceil(_minute_of_day(end, day, tz) / MINUTES_PER_ROW)
    return top, max(bottom, top + 1)


def day_blocks(
    day: date,
    tz: ZoneInfo,
    sessions: list[Session] | tuple[Session, ...],
    events: list[ExternalEvent] | tuple[ExternalEvent, ...] = (),
) -> list[Block]:
    """Sessions and timed external events touching ``day``, with lanes so overlaps sit side by side."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = start + timedelta(days=1)
    placed: list[tuple[int, int, Session | ExternalEvent, bool]] = []
    for item in [*sessions, *(e for e in events if not e.all_day)]:
        a, b = instant(item.start, tz), instant(item.end, tz)
        if not (a < end and start < b):
            continue
        top, bottom = rows_for(a, b, day, tz)
        placed.append((top, bottom, item, a.astimezone(tz).date() < day))
    placed.sort(key=lambda p: (p[0], -p[1], isinstance(p[2], ExternalEvent)))
    return _assign_lanes(placed)


def events_by_day(
    days: list[date], tz: ZoneInfo, events: list[ExternalEvent] | tuple[ExternalEvent, ...]
) -> dict[date, list[ExternalEvent]]:
    """For each of ``days``, the timed events that may touch it, in ``events``' order: those
    from the local day they start to the one they end. A week's hundreds of events are each
    looked at once, not once a day; day_blocks still makes the exact test."""
    found: dict[date, list[ExternalEvent]] = {day: [] for day in days}
    if not days:
        return found
    first, last = days[0], days[-1]
    one = timedelta(days=1)
    for event in events:
        if event.all_day:
            continue
        day = max(instant(event.start, tz).astimezone(tz).date(), first)
        until = min(instant(event.end, tz).astimezone(tz).date(), last)
        while day <= until:
            found[day].append(event)
            day += one
    return found


def _assign_lanes(placed: list[tuple[int, int, Session | ExternalEvent, bool]]) -> list[Block]:
    blocks: list[Block] = []
    cluster: list[tuple[int, int, int, Session | ExternalEvent, bool]] = []
    cluster_bottom = -1
    lane_ends: dict[int, int] = {}  # the bottom of each lane of the cluster so far

    def flush() -> None:
        lanes = max((c[2] for c in cluster), default=-1) + 1
        blocks.extend(
            Block(item, top, bottom, lane, lanes, early)
            for top, bottom, lane, item, early in cluster
        )
        cluster.clear()
        lane_ends.clear()

    for top, bottom, item, early in placed:
        if cluster and top >= cluster_bottom:
            flush()
        lane = next((i for i in range(len(lane_ends) + 1) if lane_ends.get(i, -1) <= top), 0)
        cluster.append((top, bottom, lane, item, early))
        lane_ends[lane] = max(lane_ends.get(lane, 0), bottom)
        cluster_bottom = max(cluster_bottom, bottom)
    flush()
    return blocks


def day_shades(
    day: date, tz: ZoneInfo, time_off: list[TimeOff] | tuple[TimeOff, ...]
) -> list[Shade]:
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = start + timedelta(days=1)
    shades = []
    for block in time_off:
        if block.start < end and start < block.end:
            top, bottom = rows_for(block.start, block.end, day, tz)
            shades.append(Shade(top, bottom, block.reason))
    return shades


def working_rows(day: date, hours: WorkingHours) -> range:
    """Rows of ``day`` inside working hours (empty on a day off)."""
    span = hours.on(day.weekday())
    if span is None:
        return range(0)
    start, end = span
    top = (start.hour * 60 + start.minute) // MINUTES_PER_ROW
    bottom = math.ceil((end.hour * 60 + end.minute) / MINUTES_PER_ROW)
    return range(top, bottom)


def first_working_row(hours: WorkingHours) -> int:
    return (hours.start.hour * 60 + hours.start.minute) // MINUTES_PER_ROW
