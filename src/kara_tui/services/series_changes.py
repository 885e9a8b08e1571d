"""Changing a series: this session, this and following (a split), or the whole series; ending it.

Past, attended, no-show and cancelled sessions never move: a change to the following sessions
moves only the scheduled ones still to come, and splits the series there (a new series from
that occurrence, the old one ending before it), so what happened stays in the series it
happened in. The whole series is the same change from its first session still to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, TypedDict, Unpack
from zoneinfo import ZoneInfo

from kara_tui.db.rows import SeriesRow
from kara_tui.domain import DomainError, Money, Reason, Session, SessionStatus
from kara_tui.services import audit, series_notices
from kara_tui.services.lookup import session_row
from kara_tui.services.series import (
    OnConflict,
    rows_of,
    series_row,
    utc_midnight,
    writing,
)
from kara_tui.services.series_end import end_from
from kara_tui.services.series_split import TERMS, snapshot, split
from kara_tui.services.settings import professional_row
from kara_tui.services.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DbSession

    from kara_tui.services.practice import Practice


class Scope(StrEnum):
    THIS = "this"
    FOLLOWING = "following"
    ALL = "all"

    @property
    def label(self) -> str:
        return {
            Scope.THIS: "This session",
            Scope.FOLLOWING: "This and following",
            Scope.ALL: "Whole series",
        }[self]


class Details(TypedDict, total=False):
    """What an edit may change on a session (left out or None: as it is)."""

    service: str | None
    location: str | None
    fee: Money | None
    prepaid: bool | None


@dataclass(frozen=True)
class Ended:
    """A series ended, or sessions deleted from it: the ids of the sessions removed, and
    whether the client's notice was queued."""

    removed: list[int]
    notice_queued: bool


@dataclass(frozen=True)
class Moved:
    """Sessions of a series moved: those still to come, and whether the client's notice was
    queued."""

    sessions: list[Session]
    notice_queued: bool


class SeriesChanges:
    """Scoped edit, reschedule and delete, and ending a series; each one unit of work."""

    def __init__(self, practice: Practice) -> None:
        self.practice = practice
        self.clock = practice.clock

    # -- ending ---------------------------------------------------------------------------

    def end(self, series_id: int, from_day: date, *, notify: bool = True) -> list[int]:
        """End a series ("therapy ended") from ``from_day``: its scheduled sessions on or after
        that day are removed (audited); attended, no-show and cancelled ones stay on record.
        Ids of the removed sessions."""
        return self.end_noticed(series_id, from_day, notify=notify).removed

    def end_noticed(self, series_id: int, from_day: date, *, notify: bool = True) -> Ended:
        """As ``end``, and whether the client's notice was queued: only for a series the client
        was sent and who has an email address, so that nobody is told a notice went out that
        never did."""
        p = self.practice
        with writing(p) as uow:
            db = uow.db
            row = series_row(db, series_id)
            pro = professional_row(uow).to_domain()
            cut = utc_midnight(from_day, ZoneInfo(row.zone))
            if cut <= row.first_start:
                cut = row.first_start + timedelta(seconds=1)  # the first session stays
            if row.ended_from is not None and row.ended_from <= cut:
                raise DomainError(f"series {series_id} already ends before {from_day:%d %b %Y}")
            removed = end_from(uow, row, cut, why="series ended")
            queued = False
            if notify and series_notices.was_invited(db, row.id):
                queued = series_notices.queue_series(db, row, pro, self.clock.now(), updated=True)
            return Ended(removed, queued)

    # -- scoped changes -------------------------------------------------------------------

    def _anchor(self, db: DbSession, session_id: int, scope: Scope) -> tuple[SeriesRow, datetime]:
        """The series and the original start a following/all change begins at."""
        row = session_row(db, session_id)
        if row.series_id is None:
            raise DomainError(f"session {row.id} is not part of a series")
        series = series_row(db, row.series_id)
        now = self.clock.now()
        if scope is Scope.ALL:
            coming = [
                r.original_start
                for r in rows_of(db, series.id)
                if r.original_start is not None
                and r.status == SessionStatus.SCHEDULED.value
                and r.start > now
            ]
            if not coming:
                raise DomainError("no session of this series is still to come")
            return series, min(coming)
        if row.status != SessionStatus.SCHEDULED.value or row.original_start is None:
            raise DomainError(
                f"session {row.id} is {row.status.replace('_', '-')}: it never moves, and "
                "the following ones are changed from a scheduled session"
            )
        if row.start <= now:
            raise DomainError(f"session {row.id} has already started: it never moves")
        return series, row.original_start

    def reschedule(
        self,
        session_id: int,
        start: datetime,
        scope: Scope,
        *,
        by: Reason = Reason.PROFESSIONAL,
        minutes: int | None = None,
        on_conflict: OnConflict = "refuse",
        notify: bool = True,
    ) -> list[Session]:
        """Move one session (an ordinary reschedule), or it and the following ones, or the
        whole series: the same day shift and new time of day for each. The sessions moved."""
        if scope is Scope.THIS:
            return [
                self.practice.reschedule(
                    session_id,
                    start,
                    by=by,
                    minutes=minutes,
                    force=on_conflict == "force",
                    notify=notify,
                )
            ]
        return self.reschedule_noticed(
            session_id, start, scope, minutes=minutes, on_conflict=on_conflict, notify=notify
        ).sessions

    def reschedule_noticed(
        self,
        session_id: int,
        start: datetime,
        scope: Scope,
        *,
        minutes: int | None = None,
        on_conflict: OnConflict = "refuse",
        notify: bool = True,
    ) -> Moved:
        """As ``reschedule`` for the following sessions or the whole series, and whether the
        client's notice was queued (only for a series the client was sent, with an email)."""
        if scope is Scope.THIS:
            raise ValueError("one session moves through Practice.reschedule")
        p = self.practice
        if start.tzinfo is None:
            raise DomainError("the start needs a time zone")
        with writing(p) as uow:
            db = uow.db
            series, at = self._anchor(db, session_id, scope)
            tz = ZoneInfo(series.zone)
            picked = session_row(db, session_id)
            base = picked.original_start if scope is Scope.FOLLOWING else at
            assert base is not None
            shift = (start.astimezone(tz).date() - picked.start.astimezone(tz).date()).days
            new_time = start.astimezone(tz).time()
            target = split(uow, series, at, shift, new_time, minutes, on_conflict, why="moved")
            queued = self._notify(uow, series, target, notify)
            later = [r.to_domain() for r in rows_of(db, target.id) if r.start > self.clock.now()]
            return Moved(later, queued)

    def edit(
        self,
        session_id: int,
        scope: Scope,
        *,
        notify: bool = True,
        **details: Unpack[Details],
    ) -> list[Session]:
        """Edit one session, or it and the following ones (split there), or every session
        still to come and the series itself. The sessions edited."""
        p = self.practice
        if scope is Scope.THIS:
            return [p.edit_session(session_id, **details)]
        service, location = details.get("service"), details.get("location")
        fee, prepaid = details.get("fee"), details.get("prepaid")
        with writing(p) as uow:
            db = uow.db
            series, at = self._anchor(db, session_id, scope)
            target = split(uow, series, at, 0, None, None, "force", why="edited")
            if service is not None:
                target.service = service.strip()
            if location is not None:
                target.location = location.strip()
            if fee is not None:
                if fee.minor < 0:
                    raise DomainError("a fee cannot be negative")
                target.fee_minor, target.currency = fee.minor, fee.currency
            if prepaid is not None:
                target.prepaid = prepaid
            now = self.clock.now()
            edited = []
            for r in rows_of(db, target.id):
                if r.status != SessionStatus.SCHEDULED.value or r.start <= now:
                    continue
                with audit.tracked(db, r, "edit", snapshot, at=now, reason=f"series {target.id}"):
                    for name in TERMS:
                        setattr(r, name, getattr(target, name))
                    r.sequence += 1
                    r.updated_at = now
                edited.append(r)
            self._notify(uow, series, target, notify)
            return [r.to_domain() for r in edited]

    def delete(self, session_id: int, scope: Scope) -> list[int]:
        """Delete one session booked by mistake, or the following / all still to come (the
        series ends there; nothing on record goes). Ids of the removed sessions."""
        if scope is Scope.THIS:
            self.practice.delete(session_id)
            return [session_id]
        return self.delete_noticed(session_id, scope).removed

    def delete_noticed(self, session_id: int, scope: Scope) -> Ended:
        """As ``delete`` for the following sessions or all still to come, and whether the
        client's notice was queued."""
        if scope is Scope.THIS:
            raise ValueError("one session is deleted through Practice.delete")
        with writing(self.practice) as uow:
            series, at = self._anchor(uow.db, session_id, scope)
            removed = end_from(uow, series, at, why="series deleted from this session")
            return Ended(removed, self._notify(uow, series, series, True))

    def _notify(self, uow: UnitOfWork, old: SeriesRow, new: SeriesRow, notify: bool) -> bool:
        """The client's calendar follows: the old series updated (its UNTIL), the new one
        invited. Whether a notice was queued."""
        db = uow.db
        if not notify or not series_notices.was_invited(db, old.id):
            return False
        pro = professional_row(uow).to_domain()
        now = uow.clock.now()
        queued = series_notices.queue_series(db, old, pro, now, updated=True)
        if new is not old:
            queued |= series_notices.queue_series(db, new, pro, now)
        return queued
