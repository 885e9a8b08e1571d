"""A series' scheduled sessions taken off the calendar (its end, a clash) or moved in place."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kara_tui.db.rows import ReminderRow, SeriesRow, SessionRow
from kara_tui.domain import Reason, SessionStatus
from kara_tui.services import audit, reminders
from kara_tui.services.cancelling import cancel_row
from kara_tui.services.series import rows_of
from kara_tui.services.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DbSession

    from kara_tui.domain import Professional


def remove(uow: UnitOfWork, s: SessionRow, why: str) -> bool:
    """Take a scheduled session of a series off the calendar, with an audit entry; a prepaid
    one (or one with a charge) is cancelled instead, so that its money stays on record.
    True when it was removed."""
    db, now = uow.db, uow.clock.now()
    if s.prepaid or any(c.status != "void" for c in s.charges):
        cancel_row(uow, s.id, Reason.PROFESSIONAL, note=why, notify=False)
        s.original_start = None
        return False
    if s.credit_reserved:
        s.client.sponsored_credit += 1
    reminders.obsolete(db, s.id, now, f"the {why}")
    before = {"uid": s.uid, "start": s.start.isoformat(), "series": s.series_id}
    audit.change(db, s, "series_remove", at=now, before=before, reason=why)
    # Its notices stay in the outbox, no longer naming it (the foreign key sets NULL).
    db.delete(s)
    return True


def end_from(uow: UnitOfWork, row: SeriesRow, cut: datetime, *, why: str) -> list[int]:
    """Stop the series at ``cut`` (UTC): its scheduled sessions from then on are removed."""
    db, now = uow.db, uow.clock.now()
    row.ended_from = cut
    row.updated_at = now
    removed: list[int] = []
    for s in rows_of(db, row.id):
        later = s.start >= cut or (s.original_start is not None and s.original_start >= cut)
        if later and s.status == SessionStatus.SCHEDULED.value:
            session_id = s.id
            if remove(uow, s, why):
                removed.append(session_id)
    db.flush()
    after = {"from": cut.isoformat(), "removed": removed}
    audit.change(db, row, "end", at=now, after=after, reason=why)
    return removed


def replan(db: DbSession, row: SessionRow, pro: Professional, now: datetime) -> None:
    """A session moved in place gets its reminders planned again for its new time: unsent
    ones of the old time are dropped (a reminder row is unique per session and lead), and a
    lead already sent is not sent twice."""
    reminders.obsolete(db, row.id, now, "the session was moved")
    for old in db.scalars(
        select(ReminderRow).where(
            ReminderRow.session_id == row.id, ReminderRow.status == reminders.OBSOLETE
        )
    ):
        db.delete(old)
    db.flush()
    try:
        with db.begin_nested():
            reminders.plan(db, row, pro, now)
    except IntegrityError:
        pass  # that lead went already, for the old time
