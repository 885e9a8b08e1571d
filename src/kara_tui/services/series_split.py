"""A split: the scheduled sessions of a series from one occurrence on move into a new series
(or stay in this one, when nothing came before), each moved by the same day shift and time."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kara_tui.db.rows import SeriesRow, SessionRow
from kara_tui.domain import SessionStatus
from kara_tui.policy import series as rules
from kara_tui.policy.conflicts import Conflict
from kara_tui.services import audit, series_links, series_notices, slots
from kara_tui.services.errors import SeriesConflictError
from kara_tui.services.lookup import session_snapshot
from kara_tui.services.series import OnConflict, fill, rows_of
from kara_tui.services.series_end import remove, replan
from kara_tui.services.settings import professional_row
from kara_tui.services.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DbSession

SNAPSHOT_FIELDS = ("start", "end", "location", "service", "fee")  # what a series change moves
# What a series gives its sessions, and what a split's new series carries over from the old one.
TERMS = ("service", "location", "fee_minor", "currency", "prepaid")
CARRIED = (*TERMS, "professional_id", "client_id", "client", "zone", "repeat", "interval")


def snapshot(row: SessionRow) -> dict[str, object]:
    """The fields of ``session_snapshot`` a series change touches, and the series."""
    full = session_snapshot(row)
    return {"series": row.series_id, **{k: full[k] for k in SNAPSHOT_FIELDS}}


def split(
    uow: UnitOfWork,
    series: SeriesRow,
    at: datetime,
    shift: int,
    new_time: time | None,
    minutes: int | None,
    on_conflict: OnConflict,
    *,
    why: str,
) -> SeriesRow:
    """Move the scheduled sessions from ``at`` on by ``shift`` days to ``new_time``, into
    a new series from there (or this one, when nothing came before ``at``)."""
    now = uow.clock.now()
    tz = ZoneInfo(series.zone)
    db = uow.db
    pro = professional_row(uow).to_domain()
    minutes = minutes if minutes is not None else series.minutes

    def moved(original: datetime) -> datetime:
        local = original.astimezone(tz)
        day = local.date() + timedelta(days=shift)
        return rules.to_utc(datetime.combine(day, new_time or local.time()), tz)

    following = [
        r for r in rows_of(db, series.id) if r.original_start is not None and r.original_start >= at
    ]
    movers = [r for r in following if r.status == SessionStatus.SCHEDULED.value and r.start > now]
    stays = [r for r in following if r not in movers]
    clashes: list[tuple[datetime, list[Conflict], SessionRow]] = []
    if on_conflict != "force":
        for r in movers:
            assert r.original_start is not None
            s = moved(r.original_start)
            found = slots.conflicts(uow, pro, s, s + timedelta(minutes=minutes), r.id)
            if found:
                clashes.append((s, found, r))
    if clashes and on_conflict == "refuse":
        raise SeriesConflictError([(s, found) for s, found, _ in clashes], tz)
    skipped = {r.id for _, _, r in clashes}
    originals = {r.id: r.original_start for r in following}
    in_place = at == series.first_start
    last = series_notices.ended_last(series)  # an ended series ends as far along
    if in_place:
        target = series
        if last is not None:
            series.ended_from = moved(last) + timedelta(seconds=1)
        series.position = series_notices.rule_of(series).position_of(
            series.first_start.astimezone(tz).date()
        )
        series.first_start = moved(series.first_start)
        series.minutes = minutes
        if series.until is not None:
            series.until = series.until + timedelta(days=shift)
        series.exceptions = ",".join(moved(x).isoformat() for x in series.exception_starts())
        series.updated_at = now
        for r in following:
            r.original_start = None  # let go first: two sessions may swap starts
    else:
        target = _continuation(db, series, at, moved, minutes, shift, now)
        if last is not None:
            target.ended_from = moved(last) + timedelta(seconds=1)
        for r in movers:
            r.original_start = None
    db.flush()
    for r in stays:  # what happened stays where it was; its slot is an exception
        original = originals[r.id]
        assert original is not None
        series_links.add_exception(target, moved(original))
    for r in movers:
        original = originals[r.id]
        assert original is not None
        new_original = moved(original)
        if r.id in skipped:
            series_links.add_exception(target, new_original)
            remove(uow, r, f"series {why}: its new time clashed")
            continue
        r.series_id, r.original_start = target.id, new_original
        if r.start == new_original and r.end - r.start == timedelta(minutes=minutes):
            continue  # an edit's split: the session keeps its time
        why_moved = f"series {why} from this session on"
        with audit.tracked(db, r, "series_move", snapshot, at=now, reason=why_moved):
            r.start, r.end = new_original, new_original + timedelta(minutes=minutes)
            r.sequence += 1
            r.updated_at = now
            replan(db, r, pro, now)
    db.flush()
    fill(uow, target, pro)
    return target


def _continuation(
    db: DbSession,
    series: SeriesRow,
    at: datetime,
    moved: Callable[[datetime], datetime],
    minutes: int,
    shift: int,
    now: datetime,
) -> SeriesRow:
    """The new series a split starts at ``at``; the old one ends before it."""
    count = None
    if series.count is not None:
        before = rules.occurrences(
            series.first_start, series.zone, series_notices.rule_of(series), before=at
        )
        count = series.count - len(before)
    row = SeriesRow(
        **{name: getattr(series, name) for name in CARRIED},
        uid=f"{uuid.uuid4()}@kara-tui",
        first_start=moved(at),
        minutes=minutes,
        position=series_notices.rule_of(series).position_of(
            series.first_start.astimezone(ZoneInfo(series.zone)).date()
        ),
        count=count,
        until=series.until + timedelta(days=shift) if series.until is not None else None,
        exceptions=",".join(moved(x).isoformat() for x in series.exception_starts() if x >= at),
        horizon_reached=series.horizon_reached,
        ended_from=None,
        split_from=series.id,
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    db.add(row)
    series.ended_from = at
    series.updated_at = now
    db.flush()
    after = {"from": at.isoformat(), "continued_by": row.id}
    audit.change(db, series, "split", at=now, after=after)
    return row
