"""Time off: adding and removing blocks, and the block an emergency cancellation leaves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from kara_tui.db.rows import TimeOffRow
from kara_tui.domain import DomainError
from kara_tui.domain import text as lengths
from kara_tui.domain.text import check_text
from kara_tui.policy.time_off import block_for
from kara_tui.services.errors import NotFound
from kara_tui.services.lookup import MAX_ID, utc
from kara_tui.services.settings import professional_row
from kara_tui.services.uow import UnitOfWork


def add_time_off(uow: UnitOfWork, start: datetime, end: datetime, reason: str = "") -> TimeOffRow:
    if end <= start:
        raise DomainError("time off must end after it starts")
    reason = check_text(reason, "the reason", lengths.REASON)
    now = uow.clock.now()
    row = TimeOffRow(
        professional_id=professional_row(uow).id,
        start=start,
        end=end,
        reason=reason,
        created_at=now,
    )
    uow.db.add(row)
    uow.db.flush()
    uow.audit("time_off", row.id, "add", after=_span(row), reason=reason, at=now)
    return row


def block_range(uow: UnitOfWork, start: datetime, end: datetime, reason: str) -> None:
    """Block [start, end) once: running cancel-range again over the same days reuses the
    block (or widens it), never adds a second one."""
    start, end = utc(start, "start"), utc(end, "end")
    existing = uow.db.scalars(
        select(TimeOffRow).where(TimeOffRow.start <= end, TimeOffRow.end >= start)
    )
    rows = {r.id: r for r in existing}
    where = block_for((r.to_domain() for r in rows.values()), start, end)
    if where.reuse is None:
        add_time_off(uow, start, end, reason)
        return
    row = rows[where.reuse]
    if where.extends(row.to_domain()):
        before = _span(row)
        row.start, row.end = where.start, where.end
        uow.audit("time_off", row.id, "extend", before=before, after=_span(row), reason=reason)


def remove_time_off(uow: UnitOfWork, time_off_id: int) -> None:
    row = uow.db.get(TimeOffRow, time_off_id) if 0 < time_off_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"no time off with id {time_off_id}")
    uow.db.delete(row)
    uow.audit("time_off", time_off_id, "remove", before=_span(row))


def _span(row: TimeOffRow) -> dict[str, str]:
    """A block's start and end for the audit trail."""
    return {"start": row.start.isoformat(), "end": row.end.isoformat()}
