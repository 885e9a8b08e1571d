"""Past sessions whose attendance is not recorded yet: the calendar counts them and offers a
screen to mark them one after another (DESIGN.md section 7)."""

from __future__ import annotations

from typing import Any

from kara_tui.domain import Session, SessionStatus
from kara_tui.policy.marking import to_mark


def unmarked(practice: Any) -> list[Session]:
    """Scheduled sessions that have ended, oldest first (policy.marking)."""
    now = practice.clock.now()
    return to_mark(practice.list_sessions(end=now, status=SessionStatus.SCHEDULED), now)
