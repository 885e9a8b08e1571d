"""Where sessions stand in their series: the details pane's Place, the agenda's words and the
calendar's count of sessions left, in the words of policy/series_place.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import SeriesRow, SessionRow
from kara_tui.domain import Session, SessionStatus
from kara_tui.domain.series import Series
from kara_tui.policy.series_place import FEW_LEFT, Member, Position, position
from kara_tui.services.lookup import rows_of, series_row


@dataclass(frozen=True, slots=True)
class Place:
    """Where a session stands in its series, in words for the details pane."""

    series: Series
    description: str  # "weekly on Tuesday, session 5 of 12" / "... no end"
    left: int | None  # scheduled sessions still to come; None for an open-ended series
    others: list[Session]

    @property
    def few_left(self) -> bool:
        return self.left is not None and self.left <= FEW_LEFT

    @property
    def left_text(self) -> str:
        if self.left is None:
            return ""
        return f"{self.left} session{'' if self.left == 1 else 's'} left in this series"


def describe(series: SeriesRow, rows: list[SessionRow], row: SessionRow, now: datetime) -> Place:
    value = series.to_domain()
    where = _position(series, rows, row.id, now)
    return Place(
        value,
        where.description,
        where.left,
        [r.to_domain() for r in rows if r.id != row.id],
    )


def _position(
    series: SeriesRow, rows: list[SessionRow], session_id: int, now: datetime
) -> Position:
    members = [Member(r.id, SessionStatus(r.status), r.start, r.original_start) for r in rows]
    return position(
        series.to_domain().rule,
        series.first_start.astimezone(ZoneInfo(series.zone)),
        series.ended_from is not None,
        members,
        session_id,
        now,
    )


def positions(db: DbSession, session_ids: list[int], now: datetime) -> dict[int, str]:
    """The agenda's words for each session of a series among ``session_ids`` (policy/
    series_place.py), by session id; sessions outside a series are left out."""
    wanted = set(session_ids)
    series_ids = set(
        db.scalars(
            select(SessionRow.series_id).where(
                SessionRow.id.in_(wanted), SessionRow.series_id.is_not(None)
            )
        )
    )
    found: dict[int, str] = {}
    for series_id in sorted(i for i in series_ids if i is not None):
        series = series_row(db, series_id)
        rows = rows_of(db, series_id)
        for r in rows:
            if r.id in wanted:
                found[r.id] = _position(series, rows, r.id, now).agenda_text
    return found


def left_in(db: DbSession, series_ids: list[int], now: datetime) -> dict[int, int]:
    """Scheduled sessions after ``now`` of each series that has an end (a count, a date, or
    ended), by series id: what the calendar flags when few are left."""
    ending = db.scalars(
        select(SeriesRow.id).where(
            SeriesRow.id.in_(series_ids),
            or_(
                SeriesRow.count.is_not(None),
                SeriesRow.until.is_not(None),
                SeriesRow.ended_from.is_not(None),
            ),
        )
    ).all()
    left = {series_id: 0 for series_id in ending}
    for series_id in db.scalars(
        select(SessionRow.series_id).where(
            SessionRow.series_id.in_(ending),
            SessionRow.status == SessionStatus.SCHEDULED.value,
            SessionRow.start > now,
        )
    ):
        if series_id is not None:
            left[series_id] += 1
    return left
