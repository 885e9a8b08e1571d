"""Queueing the client's notices: the email (worded by notice_text) and its iTIP text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kara_tui.db.rows import NotificationRow, SessionRow
from kara_tui.domain import (
    ChargeKind,
    ChargeStatus,
    Money,
    NotificationKind,
    NotificationStatus,
    PaymentMethod,
    Professional,
)
from kara_tui.services import invitations, notice_text, series_notices
from kara_tui.services.uow import UnitOfWork


def queue_notice(
    uow: UnitOfWork,
    row: SessionRow,
    kind: NotificationKind,
    pro: Professional,
    *,
    moved_to: datetime | None = None,
    message: str = "",
    missed: bool = False,
) -> bool:
    """Queue the client's notice; False (nothing queued) when the client has no email."""
    if not row.client.email:
        return False
    now = uow.clock.now()
    tz = ZoneInfo(pro.timezone)
    letter = notice_text.Letter(row.client.name, pro.name, tz, message)
    if kind is NotificationKind.CANCELLATION and moved_to is not None:
        text = notice_text.moved(letter, row.start, moved_to)
        method = "CANCEL"
    elif kind is NotificationKind.CANCELLATION:
        text = notice_text.cancellation(letter, row.start, _money_line(row), missed=missed)
        method = "CANCEL"
    else:
        text = invitations.text(
            row, pro, now, updated=kind is NotificationKind.UPDATE, message=message
        )
        method = "REQUEST"
    from kara_tui.ical import itip  # icalendar is heavy: load it when a notice is made

    ical = itip.build(
        method=method,
        uid=row.uid,
        sequence=row.sequence,
        start=row.start,
        end=row.end,
        summary=notice_text.SUMMARY,
        location=row.location,
        organizer_name=pro.name,
        organizer_email=pro.email,
        attendee_name=row.client.name,
        attendee_email=row.client.email,
        stamp=now,
        tz=tz if method == "REQUEST" else None,
    )
    if row.series_id is not None:  # one occurrence of a series: its RECURRENCE-ID
        occurrence = series_notices.occurrence_ical(
            uow.db, row, method, pro, now, moved=moved_to is not None
        )
        if occurrence is None:
            return False
        ical = occurrence
    uow.db.add(
        NotificationRow(
            session_id=row.id,
            kind=kind.value,
            recipient=row.client.email,
            subject=text.subject,
            body=text.body,
            ical=ical,
            status=NotificationStatus.QUEUED.value,
            error="",
            attempts=0,
            created_at=now,
        )
    )
    return True


def _money_line(row: SessionRow) -> str:
    """What the cancellation notice says was charged and refunded (void charges left out)."""
    live = [c for c in row.charges if c.status != ChargeStatus.VOID.value]
    charged = [
        notice_text.Charged(
            Money(abs(c.amount_minor), c.currency), PaymentMethod(c.method) if c.method else None
        )
        for c in live
    ]
    refund = [c.kind == ChargeKind.REFUND.value for c in live]
    return notice_text.money_line(
        [c for c, r in zip(charged, refund, strict=True) if not r],
        [c for c, r in zip(charged, refund, strict=True) if r],
    )
