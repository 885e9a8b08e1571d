"""Changing a series: this session, this and following (a split), or the whole series; ending it.

Past, attended, no-show and cancelled sessions never move: a change to the following sessions
moves only the scheduled ones still to come, and splits the series there (a new series from
that occurrence, the old one ending before it), so what happened stays in the series it
happened in. The whole series is the same change from its first session still to come.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, TypedDict, Unpack
from zoneinfo import ZoneInfo

from kara_tui.db.rows import SeriesRow, SessionRow
from kara_tui.domain import DomainError, Money, Reason, Session, SessionStatus
from kara_tui.policy import series as rules
from kara_tui.policy.conflicts import Conflict
from kara_tui.services import audit, series_links, series_notices, slots
from kara_tui.services.errors import SeriesConflictError
from kara_tui.services.lookup import session_row, session_snapshot
from kara_tui.services.series import (
    OnConflict,
    fill,
    rows_of,
    series_row,
    utc_midnight,
    writing,
)
from kara_tui.services.series_end import end_from, remove, replan
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


SNAPSHOT_FIELDS = ("start", "end", "location", "service", "fee")  # what a series change moves
# What a series gives its sessions, and what a split's new series carries over from the old one.
TERMS = ("service", "location", "fee_minor", "currency", "prepaid")
CARRIED = (*TERMS, "professional_id", "client_id", "client", "zone", "repeat", "interval")


class Details(TypedDict, total=False):
    """What an edit may change on a session (left out or None: as it is)."""

    service: str | None
    location: str | None
    fee: Money | None
    prepaid: bool | None


def _snapshot(row: SessionRow) -> dict[str, object]:
    """The fields of ``session_snapshot`` a series change touches, and the series."""
    full = session_snapshot(row)
    return {"series": row.series_id, **{k: full[k] for k in SNAPSHOT_FIELDS}}


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
            target = self._split(
                uow, series, at, shift, new_time, minutes, on_conflict, why="moved"
            )
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
            target = self._split(uow, series, at, 0, None, None, "force", why="edited")
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
                with audit.tracked(db, r, "edit", _snapshot, at=now, reason=f"series {target.id}"):
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

    # -- the split ------------------------------------------------------------------------

    def _split(
        self,
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
        now = self.clock.now()
        tz = ZoneInfo(series.zone)
        db = uow.db
        pro = professional_row(uow).to_domain()
        minutes = minutes if minutes is not None else series.minutes

        def moved(original: datetime) -> datetime:
            local = original.astimezone(tz)
            day = local.date() + timedelta(days=shift)
            return rules.to_utc(datetime.combine(day, new_time or local.time()), tz)

        following = [
            r
            for r in rows_of(db, series.id)
            if r.original_start is not None and r.original_start >= at
        ]
        movers = [
            r for r in following if r.status == SessionStatus.SCHEDULED.value and r.start > now
        ]
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
            target = self._continuation(db, series, at, moved, minutes, shift)
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
            with audit.tracked(db, r, "series_move", _snapshot, at=now, reason=why_moved):
                r.start, r.end = new_original, new_original + timedelta(minutes=minutes)
                r.sequence += 1
                r.updated_at = now
                replan(db, r, pro, now)
        db.flush()
        fill(uow, target, pro)
        return target

    def _continuation(
        self,
        db: DbSession,
        series: SeriesRow,
        at: datetime,
        moved: Callable[[datetime], datetime],
        minutes: int,
        shift: int,
    ) -> SeriesRow:
        """The new series a split starts at ``at``; the old one ends before it."""
        now = self.clock.now()
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
