"""Attendance: marking a session attended, and undoing an attended or no-show mark."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import AuditRow, SessionRow
from kara_tui.domain import ChargeKind, ChargeStatus, DomainError, PaymentMethod, SessionStatus
from kara_tui.policy import records
from kara_tui.policy.sponsored import holds_credit_at_booking
from kara_tui.services import audit, session_charges
from kara_tui.services.lookup import scheduled_row, session_row, session_snapshot
from kara_tui.services.settings import professional_row
from kara_tui.services.uow import UnitOfWork


def attend(uow: UnitOfWork, session_id: int) -> SessionRow:
    """Mark a session that has started as attended; a credit it held is now spent."""
    now = uow.clock.now()
    row = scheduled_row(uow.db, session_id)
    if row.start > now:
        raise DomainError("a session can be marked attended only after it has started")
    with audit.tracked(uow.db, row, "attend", session_snapshot, at=now) as noted:
        row.status = SessionStatus.ATTENDED.value
        row.updated_at = now
        spent = row.credit_reserved
        if row.credit_reserved:
            row.credit_reserved = False  # the held credit is now spent
            noted["credit_spent"] = True  # so that undoing the mark holds it again
        pro = professional_row(uow).to_domain()
        charged = session_charges.charge_attended(row, pro, now, credit_spent=spent)
        if charged is not None:  # the practice charges attended sessions (policy/session_charges)
            noted["charge"] = session_charges.describe(charged)
    return row


def unmark(uow: UnitOfWork, session_id: int) -> SessionRow:
    """Undo an attended or no-show mark: back to scheduled, a no-show's charges voided and
    a spent sponsored credit held for the session again, all in the audit."""
    db = uow.db
    row = session_row(db, session_id)
    decision = records.may_undo_attendance(row.to_domain())
    if not decision.allowed:
        raise DomainError(decision.why)
    now = uow.clock.now()
    before = session_snapshot(row)
    was = row.status
    client = row.client
    voided = []
    for charge in row.charges:
        c = charge.to_domain()
        if c.status is ChargeStatus.VOID:
            continue
        # A session charge's credit is the one attendance spent: held again below.
        session_charge = c.kind is ChargeKind.SESSION
        if c.method is PaymentMethod.SPONSORED_CREDIT and not session_charge:
            client.sponsored_credit += 1  # the spent credit comes back
        if session_charge:
            charge.void_reason = "attendance undone"
        voided.append(f"{c.amount} ({c.kind.value})")
        charge.status = ChargeStatus.VOID.value
    spent = _attend_spent_credit(db, row.id) if was == SessionStatus.ATTENDED.value else False
    if spent:
        row.credit_reserved = True  # the credit attendance spent is held again
    elif not row.credit_reserved and holds_credit_at_booking(client.to_domain()):
        client.sponsored_credit -= 1  # held again, as when the session was booked
        row.credit_reserved = True
    row.status = SessionStatus.SCHEDULED.value
    row.cancellation = None
    row.updated_at = now
    audit.change(
        db,
        row,
        "unmark",
        at=now,
        before={**before, "charges": voided} if voided else before,
        after=session_snapshot(row),
        reason=f"undo {was.replace('_', '-')}",
    )
    return row


def _attend_spent_credit(db: DbSession, session_id: int) -> bool:
    last = db.scalars(
        select(AuditRow)
        .where(
            AuditRow.entity == "session",
            AuditRow.entity_id == session_id,
            AuditRow.action == "attend",
        )
        .order_by(AuditRow.id.desc())
        .limit(1)
    ).first()
    event = last.to_domain() if last is not None else None
    return bool(event and event.after and event.after.get("credit_spent"))
