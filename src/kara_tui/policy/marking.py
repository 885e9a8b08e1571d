"""Which sessions still need their attendance recorded (DESIGN.md section 7)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from kara_tui.domain import Session, SessionStatus


def needs_marking(session: Session, now: datetime) -> bool:
    """A session that has ended and is still only scheduled: attended or no-show is unknown."""
    return session.status is SessionStatus.SCHEDULED and session.end <= now


def to_mark(sessions: Iterable[Session], now: datetime) -> list[Session]:
    """The sessions that need marking, oldest first (the order they are marked in)."""
    return sorted((s for s in sessions if needs_marking(s, now)), key=lambda s: (s.start, s.id))


def need_attendance_words(count: int) -> str:
    """'3 sessions need attendance' (empty when none do)."""
    if not count:
        return ""
    return f"{count} session{'s need' if count != 1 else ' needs'} attendance"
