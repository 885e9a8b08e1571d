"""How a session of a series stays linked to it when it is rescheduled or deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import SeriesRow, SessionRow


def let_go(db: DbSession, moved: SessionRow) -> None:
    """A rescheduled session of a series: the new session becomes that occurrence (the
    moved-from one, cancelled, keeps its series but lets go of the original start)."""
    if moved.series_id is not None and moved.original_start is not None:
        moved.original_start = None
        db.flush()


def leave_out(db: DbSession, row: SessionRow) -> None:
    """A session of a series deleted as a mistake: its original start becomes an exception,
    so that extending the series never books it again."""
    if row.series_id is None or row.original_start is None:
        return
    series = db.get(SeriesRow, row.series_id)
    if series is not None:
        add_exception(series, row.original_start)
        from kara_tui.services import series_notices

        series_notices.refresh_queued(db, series)


def add_exception(series: SeriesRow, original_start: datetime) -> None:
    starts = set(series.exception_starts()) | {original_start}
    series.exceptions = ",".join(s.isoformat() for s in sorted(starts))
