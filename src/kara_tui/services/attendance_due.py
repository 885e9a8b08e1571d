"""Past sessions whose attendance is not recorded yet: the calendar counts them and offers a
screen to mark them one after another (DESIGN.md section 7)."""

from __future__ import annotations

from kara_tui.domain import Session, SessionStatus
from kara_tui.policy.marking import to_mark
from kara_tui.services.queries import list_sessions
from kara_tui.services.uow import UnitOfWork


def sessions_to_mark(uow: UnitOfWork) -> list[Session]:
    """Scheduled sessions that have ended, oldest first (policy.marking)."""
    now = uow.clock.now()
    return to_mark(list_sessions(uow, end=now, status=SessionStatus.SCHEDULED), now)
