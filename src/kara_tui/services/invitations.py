"""The client's invitation (METHOD:REQUEST) at booking and its update when a notified session
changes: the words, with the cancellation terms this client has, and whether one went before."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import NotificationRow, SessionRow
from kara_tui.domain import Money, NotificationKind, NotificationStatus, Professional
from kara_tui.policy.terms import terms_line
from kara_tui.services import notice_text


def text(
    row: SessionRow,
    pro: Professional,
    now: datetime,
    *,
    updated: bool = False,
    message: str = "",
) -> notice_text.NoticeText:
    """The confirmation (or update) of ``row``, stating the terms that apply to its client."""
    tz = ZoneInfo(pro.timezone)
    terms = terms_line(
        row.client.to_domain(), pro, row.start, Money(row.fee_minor, row.currency), tz, now
    )
    letter = notice_text.Letter(row.client.name, pro.name, tz, message)
    return notice_text.confirmed(letter, row.start, row.location, terms, updated=updated)


def was_invited(db: DbSession, session_id: int) -> bool:
    """Whether the client was sent (or is about to be sent) this session in their calendar."""
    live = (
        NotificationStatus.QUEUED.value,
        NotificationStatus.SENDING.value,
        NotificationStatus.SENT.value,
        NotificationStatus.FAILED.value,
    )
    kinds = (NotificationKind.CONFIRMATION.value, NotificationKind.UPDATE.value)
    found = db.scalars(
        select(NotificationRow.id)
        .where(
            NotificationRow.session_id == session_id,
            NotificationRow.kind.in_(kinds),
            NotificationRow.status.in_(live),
        )
        .limit(1)
    ).first()
    return found is not None
