"""Deleting a session booked by mistake, when the records policy allows it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import AuditRow, NotificationRow, SessionRow
from kara_tui.domain import DomainError, NotificationStatus
from kara_tui.policy import records
from kara_tui.services import audit, reminders
from kara_tui.services.lookup import session_row
from kara_tui.services.uow import UnitOfWork

# Snapshot keys that may hold client details, dropped from the audit when a session is deleted.
PRIVATE_SNAPSHOT_KEYS = frozenset({"location", "service"})


def deletion(uow: UnitOfWork, session_id: int) -> records.Decision:
    """Whether ``session_id`` may be deleted as booked by mistake, and why (or why not)."""
    row = session_row(uow.db, session_id)
    return records.may_delete(row.to_domain(), _notices_sent(uow.db, row.id))


def _notices_sent(db: DbSession, session_id: int) -> int:
    """Notices about the session that went (or may have gone) to the client."""
    gone = (NotificationStatus.SENT.value, NotificationStatus.SENDING.value)
    return len(
        db.scalars(
            select(NotificationRow.id).where(
                NotificationRow.session_id == session_id, NotificationRow.status.in_(gone)
            )
        ).all()
    )


def delete(uow: UnitOfWork, session_id: int) -> None:
    """Remove a session booked by mistake; the tombstone keeps no client details.

    Only what ``records.may_delete`` allows: anything attended, charged, cancelled or
    announced stays on record (the reports and the client's history count it).
    """
    db = uow.db
    row = session_row(db, session_id)
    decision = records.may_delete(row.to_domain(), _notices_sent(db, row.id))
    if not decision.allowed:
        raise DomainError(decision.why)
    if row.credit_reserved:
        row.client.sponsored_credit += 1
    tombstone = {"uid": row.uid, "start": row.start.isoformat(), "status": row.status}
    reminders.obsolete(db, row.id, uow.clock.now(), "the session was deleted")
    # A notice not sent yet would announce a session that never was.
    withdrawn = db.scalars(
        select(NotificationRow).where(NotificationRow.session_id == row.id)
    ).all()
    for notice in withdrawn:
        db.delete(notice)
    if withdrawn:
        tombstone["unsent_notices_withdrawn"] = str(len(withdrawn))
    db.execute(
        SessionRow.__table__.update()  # type: ignore[attr-defined]  # __table__ is a Table
        .where(SessionRow.rescheduled_from == row.id)
        .values(rescheduled_from=None)
    )
    db.delete(row)
    # The session's earlier audit entries keep what happened and when, but lose the
    # free text (a location can be a client's home address).
    earlier = db.scalars(
        select(AuditRow).where(AuditRow.entity == "session", AuditRow.entity_id == row.id)
    )
    for event in earlier:
        event.before = audit.redact(event.before, PRIVATE_SNAPSHOT_KEYS)
        event.after = audit.redact(event.after, PRIVATE_SNAPSHOT_KEYS)
    audit.record(
        db,
        at=uow.clock.now(),
        entity="session",
        entity_id=session_id,
        action="delete",
        before=tombstone,
        reason="booked by mistake",
    )
