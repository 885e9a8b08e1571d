"""Finding rows by id or name, and the small conversions every use case shares."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import ClientRow, SeriesRow, SessionRow
from kara_tui.domain import DomainError, Money, SessionStatus
from kara_tui.services.errors import NotFound
from kara_tui.timeparse import check_year

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: a larger one names nothing


def session_row(db: DbSession, session_id: int) -> SessionRow:
    row = db.get(SessionRow, session_id) if 0 < session_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"no session with id {session_id}")
    return row


def series_row(db: DbSession, series_id: int) -> SeriesRow:
    row = db.get(SeriesRow, series_id) if 0 < series_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"no series with id {series_id}")
    return row


def rows_of(db: DbSession, series_id: int) -> list[SessionRow]:
    """The sessions of a series, in time order."""
    return list(
        db.scalars(
            select(SessionRow)
            .where(SessionRow.series_id == series_id)
            .order_by(SessionRow.start, SessionRow.id)
        )
    )


def scheduled_row(db: DbSession, session_id: int) -> SessionRow:
    """A session that is still scheduled: cancelling, rescheduling or marking it needs one."""
    row = session_row(db, session_id)
    if row.status != SessionStatus.SCHEDULED.value:
        raise DomainError(f"session {row.id} is {row.status.replace('_', '-')}, not scheduled")
    return row


def client_row(db: DbSession, name_or_id: str | int) -> ClientRow:
    """A client by id, exact name, name in any case, or a part of the name that fits one."""
    text = str(name_or_id).strip()  # not checked as new text: old names may break the rules
    if not text:
        raise DomainError("which client? Give a name or an id")
    if text.isdigit():
        row = db.get(ClientRow, int(text)) if int(text) <= MAX_ID else None
        if row is None:
            raise NotFound(f"no client with id {text}")
        return row
    exact = list(db.scalars(select(ClientRow).where(ClientRow.name == text)))
    if not exact:
        exact = list(
            db.scalars(
                select(ClientRow).where(ClientRow.name.ilike(like_literal(text), escape="\\"))
            )
        )
    if len(exact) > 1:  # an archived client may share an active one's name
        exact = [r for r in exact if not r.archived] or exact
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        ids = ", ".join(str(r.id) for r in exact)
        raise DomainError(f"more than one client is called '{text}' (ids {ids}); use the id")
    partial = list(
        db.scalars(
            select(ClientRow)
            .where(ClientRow.name.ilike(f"%{like_literal(text)}%", escape="\\"))
            .limit(6)
        )
    )
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = ", ".join(f"{r.name} ({r.id})" for r in partial[:5])
        raise DomainError(f"'{text}' matches several clients: {names}")
    raise NotFound(f"no client called '{text}'")


def session_snapshot(row: SessionRow) -> dict[str, object]:
    """A session's fields for the audit trail."""
    return {
        "start": row.start.isoformat(),
        "end": row.end.isoformat(),
        "status": row.status,
        "service": row.service,
        "location": row.location,
        "fee": str(Money(row.fee_minor, row.currency)),
        "prepaid": row.prepaid,
        "sequence": row.sequence,
    }


def like_literal(text: str) -> str:
    """``text`` for a LIKE pattern, matching itself only ('%' and '_' are not wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def utc(value: datetime, what: str) -> datetime:
    """An aware time on the UTC timeline: arithmetic on a zone's wall clock goes wrong
    across a clock change (01:30 + 50 min on the night the clocks go back is not 02:20)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"the {what} must carry a time zone")
    check_year(value.date())
    return value.astimezone(UTC)
