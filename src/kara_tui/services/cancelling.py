"""Cancelling: one session (with its charge, refund and sponsored credit), a no-show, a range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kara_tui.db.rows import CancellationRow, SessionRow
from kara_tui.domain import (
    ChargeKind,
    ChargeStatus,
    DomainError,
    Money,
    NotificationKind,
    PaymentMethod,
    Professional,
    Reason,
    Session,
    SessionStatus,
)
from kara_tui.domain import text as lengths
from kara_tui.domain.text import check_text
from kara_tui.policy import cancel_money as money
from kara_tui.policy import cancellation as policy
from kara_tui.services import audit, charge_rows, reminders
from kara_tui.services.lookup import scheduled_row, session_row, session_snapshot, utc
from kara_tui.services.notices import queue_notice
from kara_tui.services.settings import professional_row
from kara_tui.services.time_off import block_range
from kara_tui.services.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """What the user asked to charge; None fields take the policy's defaults."""

    amount: Money | None = None
    method: PaymentMethod | None = None


def preview_cancel(
    uow: UnitOfWork,
    pro: Professional,
    session_id: int,
    reason: Reason,
    *,
    notified_at: datetime | None = None,
) -> policy.ChargeDecision:
    """The policy's decision for the dialog, without writing anything."""
    row = session_row(uow.db, session_id)
    now = uow.clock.now()
    return policy.decide(
        session=row.to_domain(),
        client=row.client.to_domain(),
        professional=pro,
        reason=reason,
        notified_at=notified_at or now,
        now=now,
    )


def cancel_row(
    uow: UnitOfWork,
    session_id: int,
    reason: Reason,
    *,
    note: str = "",
    notified_at: datetime | None = None,
    charge: ChargeRequest | None = None,
    notify: bool = True,
    action: str = "cancel",
    carry_prepayment: bool = False,
    message: str = "",
) -> SessionRow:
    """Cancel with a reason; charge only what the policy allows; queue the client's notice
    (with ``message``, the professional's personal line) when the client has an email."""
    db = uow.db
    row = scheduled_row(db, session_id)
    note = check_text(note, "the note", lengths.NOTE, multiline=True)
    if reason is Reason.OTHER and not note.strip():
        raise DomainError("the reason 'other' needs a note saying what happened")
    now = uow.clock.now()
    moved = action == "reschedule"
    reminders.obsolete(db, row.id, now, f"the session was {'moved' if moved else 'cancelled'}")
    notified_at = utc(notified_at or now, "notice time")
    money.check_notice_time(notified_at, now)
    pro = professional_row(uow).to_domain()
    client = row.client
    decision = policy.decide(
        session=row.to_domain(),
        client=client.to_domain(),
        professional=pro,
        reason=reason,
        notified_at=notified_at,
        now=now,
    )
    if not decision.reason_allowed:
        raise DomainError(decision.reason_why)
    before = session_snapshot(row)
    fee = Money(row.fee_minor, row.currency)
    charged_by: PaymentMethod | None = None
    if charge is not None:
        method = charge.method or (decision.methods[0] if decision.methods else None)
        if method is None:
            raise DomainError(decision.charge_why)
        amount = charge.amount or decision.amount_for(method)
        money.check_charge(
            decision, amount, method, client=client.to_domain(), session=row.to_domain()
        )
        row.charges.append(
            charge_rows.made(
                client.id,
                amount,
                decision.charge_kind,
                method=method,
                status=money.charge_status(method),
                at=now,
            )
        )
        charged_by = method
    # A credit held at booking is now spent on the charge, or back with the client.
    client.sponsored_credit += money.credit_change(charged_by, credit_reserved=row.credit_reserved)
    row.credit_reserved = False
    if row.prepaid and not carry_prepayment:
        # The prepayment covers any charge; what is not charged goes back to the client.
        for c in row.charges:
            if money.paid_by_prepayment(Money(c.amount_minor, c.currency), ChargeStatus(c.status)):
                c.status, c.paid_at = ChargeStatus.PAID.value, now
        refund = money.prepaid_refund(
            fee,
            [
                (Money(c.amount_minor, c.currency), ChargeKind(c.kind), ChargeStatus(c.status))
                for c in row.charges
            ],
        )
        if refund is not None:
            row.charges.append(
                charge_rows.made(
                    client.id,
                    Money(-refund.minor, refund.currency),
                    ChargeKind.REFUND,
                    method=None,
                    status=ChargeStatus.PENDING,
                    at=now,
                )
            )
    charged = charged_by is not None
    status = (
        SessionStatus.NO_SHOW
        if reason is Reason.NO_SHOW and row.start <= now
        else SessionStatus.CANCELLED
    )
    row.status = status.value
    row.sequence += 1
    row.updated_at = now
    row.cancellation = CancellationRow(
        reason=reason.value,
        note=note.strip(),
        notified_at=notified_at,
        notice_hours=round(decision.notice_hours, 4),
        late=decision.late,
        charged=charged,
        cancelled_at=now,
    )
    db.flush()
    audit.change(
        db,
        row,
        action if status is SessionStatus.CANCELLED else "no_show",
        at=now,
        before=before,
        after={**session_snapshot(row), "reason": reason.value, "charged": charged},
        reason=reason.label,
    )
    if notify and (status is SessionStatus.CANCELLED or message.strip()):
        # A no-show sends nothing, unless the professional wrote the client a line.
        queue_notice(
            uow,
            row,
            NotificationKind.CANCELLATION,
            pro,
            message=message,
            missed=status is SessionStatus.NO_SHOW,
        )
    return row


def no_show(
    uow: UnitOfWork,
    session_id: int,
    *,
    charge: ChargeRequest | None = None,
    note: str = "",
    message: str = "",
) -> SessionRow:
    """Record that the client did not come; the same charge decision as a cancellation.
    No notice is sent, unless ``message`` (a line to the client) is given."""
    row = session_row(uow.db, session_id)
    if row.start > uow.clock.now():
        raise DomainError("a session can be marked no-show only after it has started")
    return cancel_row(
        uow,
        session_id,
        Reason.NO_SHOW,
        note=note,
        notified_at=row.start,
        charge=charge,
        notify=bool(message.strip()),
        message=message,
    )


def upcoming_in_range(uow: UnitOfWork, start: datetime, end: datetime) -> list[int]:
    """Ids of the scheduled sessions in [start, end) that have not started, in start order."""
    return list(
        uow.db.scalars(
            select(SessionRow.id)
            .where(
                SessionRow.status == SessionStatus.SCHEDULED.value,
                SessionRow.start < end,
                SessionRow.end > start,
                SessionRow.start >= uow.clock.now(),
            )
            .order_by(SessionRow.start)
        )
    )


def cancel_range(
    uow: UnitOfWork,
    start: datetime,
    end: datetime,
    reason: Reason,
    *,
    note: str = "",
    notify: bool = True,
    block: bool = True,
) -> list[Session]:
    """Cancel every upcoming session in [start, end) at once and block the range."""
    if end <= start:
        raise DomainError("the end of the range is before its start")
    if reason not in (Reason.PROFESSIONAL, Reason.OTHER):
        raise DomainError("an emergency cancellation is by the professional or 'other'")
    note = check_text(note, "the note", lengths.NOTE, multiline=True)
    cancelled = [
        cancel_row(uow, i, reason, note=note, notify=notify).to_domain()
        for i in upcoming_in_range(uow, start, end)
    ]
    if block:
        label = " ".join(note.split())[: lengths.REASON] or reason.label
        block_range(uow, start, end, label)
    return cancelled
