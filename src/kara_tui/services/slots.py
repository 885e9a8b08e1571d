"""Whether a time is free: the conflict check booking and rescheduling make before writing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kara_tui.db.rows import ExternalEventRow, FeedRow, SessionRow, TimeOffRow
from kara_tui.domain import Professional, SessionStatus, instant
from kara_tui.policy.conflicts import Busy, Conflict, event_blocks, find_conflicts
from kara_tui.services.errors import ConflictError
from kara_tui.services.lookup import utc
from kara_tui.services.uow import UnitOfWork


def conflicts(
    uow: UnitOfWork,
    pro: Professional,
    start: datetime,
    end: datetime,
    ignore_session_id: int | None = None,
) -> list[Conflict]:
    """What [start, end) clashes with: sessions, blocking feed events, time off, hours."""
    db = uow.db
    start, end = utc(start, "start"), utc(end, "end")
    pad = timedelta(minutes=pro.buffer_minutes)
    rows = db.scalars(
        select(SessionRow).where(
            SessionRow.status != SessionStatus.CANCELLED.value,
            SessionRow.start < end + pad,
            SessionRow.end > start - pad,
        )
    )
    sessions = [
        Busy(r.start, r.end, f"{r.client.name}'s session", r.id)
        for r in rows
        if r.id != ignore_session_id
    ]
    ext_rows = db.execute(
        select(ExternalEventRow, FeedRow.block_all_day)
        .join(FeedRow)
        .where(
            FeedRow.enabled.is_(True),
            ExternalEventRow.cancelled.is_(False),
            ExternalEventRow.start < end + timedelta(days=1),
            ExternalEventRow.end > start - timedelta(days=1),
        )
    )
    tz = ZoneInfo(pro.timezone)
    external = [
        Busy(*_event_span(r, tz), r.summary or "busy", r.id)
        for r, block_all_day in ext_rows
        if event_blocks(r.start, r.end, all_day=r.all_day, busy=r.busy, block_all_day=block_all_day)
    ]
    offs = db.scalars(select(TimeOffRow).where(TimeOffRow.start < end, TimeOffRow.end > start))
    time_off = [Busy(r.start, r.end, r.reason, r.id) for r in offs]
    return find_conflicts(
        start,
        end,
        tz=ZoneInfo(pro.timezone),
        working_hours=pro.working_hours,
        buffer_minutes=pro.buffer_minutes,
        sessions=sessions,
        external=external,
        time_off=time_off,
    )


def refuse_conflicts(
    uow: UnitOfWork,
    pro: Professional,
    start: datetime,
    end: datetime,
    ignore_session_id: int | None = None,
) -> None:
    """Raise ConflictError naming every clash of [start, end); ``force`` skips this."""
    found = conflicts(uow, pro, start, end, ignore_session_id)
    if found:
        raise ConflictError(found)


def _event_span(row: ExternalEventRow, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """All-day events block whole local days, whatever the zone."""
    if row.all_day:
        return instant(row.start.date(), tz), instant(row.end.date(), tz)
    return row.start, row.end
