"""Double-booking checks: overlap, busy external events, time off, buffer, working hours."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kara_tui.domain import WorkingHours, instant
from kara_tui.domain.labelled import LabelledEnum
from kara_tui.domain.timeshow import clock


class ConflictKind(LabelledEnum):
    OVERLAP = "overlap", "Overlaps a session"
    EXTERNAL = "external", "Busy external event"
    TIME_OFF = "time_off", "Time off"
    BUFFER = "buffer", "Buffer too short"
    OUTSIDE_HOURS = "outside_hours", "Outside working hours"

    @property
    def title(self) -> str:  # type: ignore[override]  # a kind's heading, not str.title()
        """What this kind of warning is, in a few words (a dialog's title, a list's heading)."""
        return self.label


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: ConflictKind
    message: str

    @property
    def title(self) -> str:
        return self.kind.title


def warnings_title(conflicts: Iterable[Conflict]) -> str:
    """The title for a list of warnings: each kind's title once, in the order found
    ('Outside working hours', 'Overlaps a session · Time off'); only an overlap with another
    session is a double booking, so nothing else is called one."""
    titles = list(dict.fromkeys(c.title for c in conflicts))
    return " · ".join(titles) if titles else "No conflicts"


@dataclass(frozen=True, slots=True)
class Busy:
    """Anything that occupies time: another session, an external event, time off."""

    start: datetime | date
    end: datetime | date
    label: str
    ref: int | None = None


def _hm(value: datetime, tz: ZoneInfo) -> str:
    local = value.astimezone(tz)
    return f"{local:%a %d %b} {clock(local)}"


def takes_whole_days(start: datetime | date, end: datetime | date) -> bool:
    """An event of whole days: DATE values, or a timed event lasting a whole number of days
    (a holiday feed's 'DTSTART at midnight, DURATION:PT86400S, STATUS:TENTATIVE', whose
    midnight is often another zone's)."""
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return True
    length = end - start
    days = round(length / timedelta(days=1))
    return days >= 1 and abs(length - timedelta(days=days)) <= timedelta(hours=1)


def event_blocks(
    start: datetime | date,
    end: datetime | date,
    *,
    all_day: bool,
    busy: bool,
    block_all_day: bool,
) -> bool:
    """Whether an external event makes a conflict with a session over it.

    A timed event does when it is busy (not marked free). An all-day event (see
    ``takes_whole_days``) does only when its feed is set to block all-day events, and then
    whether it says busy or free: a holiday feed marks every day of the year somewhere, and
    its days off are for the user to choose, feed by feed.
    """
    if all_day or takes_whole_days(start, end):
        return block_all_day
    return busy


def find_conflicts(
    start: datetime,
    end: datetime,
    *,
    tz: ZoneInfo,
    working_hours: WorkingHours,
    buffer_minutes: int,
    sessions: Iterable[Busy] = (),
    external: Iterable[Busy] = (),
    time_off: Iterable[Busy] = (),
) -> list[Conflict]:
    """Every reason the slot [start, end) is a bad idea; an empty list means it is free.

    ``sessions`` should already exclude cancelled sessions and the session being moved;
    ``external`` holds only the events that block time (``event_blocks``).
    """
    found: list[Conflict] = []
    pad = timedelta(minutes=buffer_minutes)
    for other in sessions:
        o_start, o_end = instant(other.start, tz), instant(other.end, tz)
        if o_start < end and start < o_end:
            found.append(
                Conflict(ConflictKind.OVERLAP, f"overlaps {other.label} at {_hm(o_start, tz)}")
            )
        elif pad and o_start < end + pad and start - pad < o_end:
            found.append(
                Conflict(
                    ConflictKind.BUFFER,
                    f"leaves less than the {buffer_minutes} min buffer next to {other.label} "
                    f"at {_hm(o_start, tz)}",
                )
            )
    for event in external:
        e_start, e_end = instant(event.start, tz), instant(event.end, tz)
        if e_start < end and start < e_end:
            found.append(Conflict(ConflictKind.EXTERNAL, f"overlaps busy event '{event.label}'"))
    for block in time_off:
        b_start, b_end = instant(block.start, tz), instant(block.end, tz)
        if b_start < end and start < b_end:
            what = f" ({block.label})" if block.label else ""
            found.append(Conflict(ConflictKind.TIME_OFF, f"falls in time off{what}"))
    if not within_working_hours(start, end, tz, working_hours):
        found.append(
            Conflict(ConflictKind.OUTSIDE_HOURS, f"is outside working hours ({working_hours})")
        )
    return found


def within_working_hours(
    start: datetime, end: datetime, tz: ZoneInfo, working_hours: WorkingHours
) -> bool:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_start.date() != local_end.date() and local_end.time() != time(0):
        return False
    hours = working_hours.on(local_start.weekday())
    if hours is None:
        return False
    end_t = local_end.time() if local_end.date() == local_start.date() else time(23, 59, 59)
    return hours[0] <= local_start.time() and end_t <= hours[1]
