"""Whether to remind the professional, in the open calendar, of the session about to begin."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from kara_tui.domain import Session, SessionStatus


def next_session_soon(sessions: Iterable[Session], now: datetime, minutes: int) -> Session | None:
    """The first scheduled session starting within ``minutes`` from ``now`` (0: never)."""
    if minutes <= 0:
        return None
    soon = now + timedelta(minutes=minutes)
    coming = [s for s in sessions if s.status is SessionStatus.SCHEDULED and now <= s.start <= soon]
    return min(coming, key=lambda s: (s.start, s.id), default=None)


def minutes_until(start: datetime, now: datetime) -> int:
    """Whole minutes from ``now`` to ``start``, rounded up ("in 5 min" at 4 min 10 s)."""
    return max(0, -(-int((start - now).total_seconds()) // 60))
