"""What a publishing target shows of the practice (DESIGN.md section 8): detail levels, horizon.

Pure: sessions and time off in, the events a target should hold out. The detail level decides
what leaves the machine; the default, ``busy``, lets out nothing but the time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kara_tui.domain import DomainError, Session, SessionStatus, TimeOff
from kara_tui.domain.privacy import initials

DEFAULT_FROM_DAYS = 90
DEFAULT_TO_DAYS = 365
MAX_DAYS = 3660  # ten years either way: beyond it a target is as good as unbounded
BUSY = "Busy"
TIME_OFF = "Time off"
# Sessions that held the slot. A cancelled one freed it; a deleted one never was.
_SHOWN = frozenset({SessionStatus.SCHEDULED, SessionStatus.ATTENDED, SessionStatus.NO_SHOW})


class Detail(StrEnum):
    """How much of a session a target shows."""

    BUSY = "busy"  # "Busy": no name, service, location or note
    INITIALS = "initials"  # "Session: A.Sm.": no location
    FULL = "full"  # the client's name, the service and the location

    @classmethod
    def parse(cls, text: str) -> Detail:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise DomainError(
                f"'{text}' is not a detail level (choose busy, initials or full)"
            ) from None


@dataclass(frozen=True, slots=True)
class Published:
    """One event as a target should hold it: everything the renderer writes, nothing more."""

    uid: str
    sequence: int
    start: datetime  # aware
    end: datetime  # aware
    summary: str
    location: str = ""
    private: bool = True  # CLASS:PRIVATE


@dataclass(frozen=True, slots=True)
class Horizon:
    """The days a target holds: from ``from_days`` back to ``to_days`` ahead of now."""

    start: datetime
    end: datetime

    def holds(self, start: datetime, end: datetime) -> bool:
        return end > self.start and start < self.end


def check_days(value: int, what: str) -> int:
    if not 0 <= value <= MAX_DAYS:
        raise DomainError(f"{what} must be a number of days from 0 to {MAX_DAYS}, not {value}")
    return value


def horizon(now: datetime, from_days: int, to_days: int) -> Horizon:
    if now.tzinfo is None:
        raise ValueError("now must be aware")
    return Horizon(now - timedelta(days=from_days), now + timedelta(days=to_days))


def time_off_uid(time_off_id: int) -> str:
    return f"time-off-{time_off_id}@kara-tui"


def shown(client_name: str, service: str, location: str, detail: Detail) -> tuple[str, str, bool]:
    """(summary, location, private) of a session, or of a series as a whole, at ``detail``."""
    if detail is Detail.BUSY:
        return BUSY, "", True
    if detail is Detail.INITIALS:
        return f"Session: {initials(client_name)}", "", True
    summary = f"Session with {client_name}"
    if service:
        summary += f" ({service})"
    return summary, location, False


def is_shown(status: SessionStatus) -> bool:
    """Whether a session in ``status`` held its slot, so that a target shows it."""
    return status in _SHOWN


def session_event(session: Session, detail: Detail) -> Published | None:
    """What a target shows of ``session``; None when it must not be there at all."""
    if session.status not in _SHOWN:
        return None
    summary, location, private = shown(
        session.client_name, session.service, session.location, detail
    )
    return Published(
        session.uid,
        session.sequence,
        session.start,
        session.end,
        summary,
        location=location,
        private=private,
    )


def time_off_event(block: TimeOff, detail: Detail) -> Published:
    """Time off shows as busy; its reason (an illness?) never leaves the machine."""
    summary = BUSY if detail is Detail.BUSY else TIME_OFF
    return Published(time_off_uid(block.id), 0, block.start, block.end, summary)


def wanted(
    sessions: Iterable[Session],
    time_off: Iterable[TimeOff],
    *,
    detail: Detail,
    window: Horizon,
    include_time_off: bool,
) -> dict[str, Published]:
    """Every event the target should hold, by UID."""
    events: dict[str, Published] = {}
    for session in sessions:
        event = session_event(session, detail)
        if event is not None and window.holds(event.start, event.end):
            events[event.uid] = event
    if include_time_off:
        for block in time_off:
            if window.holds(block.start, block.end):
                event = time_off_event(block, detail)
                events[event.uid] = event
    return events
