"""Recurring sessions (DESIGN.md section 6): book a series, keep it booked ahead, read it.

Each occurrence is an ordinary session (SessionRow with ``series_id`` and ``original_start``),
so cancelling, charging, attendance, reports and export work on it unchanged. Every original
start of a series' rule, up to its end (or its horizon), is either a session on record or an
exception of the series: that invariant is what ``fill`` keeps and what notices rely on.
Changing or ending a series is services/series_changes.py (SeriesChanges; its sessions taken
off the calendar in services/series_end.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal, Unpack
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from kara_tui.db.rows import ClientRow, ProfessionalRow, SeriesRow, SessionRow
from kara_tui.domain import DomainError, Professional, Session
from kara_tui.domain.series import Series, SeriesRule
from kara_tui.policy.conflicts import Conflict
from kara_tui.services import booking, series_links, series_notices, slots
from kara_tui.services.booking_terms import SessionTerms, Terms, kept
from kara_tui.services.errors import SeriesConflictError
from kara_tui.services.lookup import client_row, rows_of, series_row, session_row
from kara_tui.services.series_place import Place, describe
from kara_tui.services.settings import professional_row
from kara_tui.services.uow import UnitOfWork

if TYPE_CHECKING:
    from kara_tui.ical.series import SeriesEvent
    from kara_tui.services.practice import Practice

# Also named here for their older callers: the error lives in services/errors.py, the rows of a
# series in services/lookup.py, a session's place in services/series_place.py.
__all__ = ["Place", "SeriesBook", "SeriesConflictError", "rows_of", "series_row"]

OnConflict = Literal["refuse", "skip", "force"]


@dataclass(frozen=True, slots=True)
class Booked:
    series: Series
    sessions: list[Session]
    skipped: list[datetime]


def utc_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


@contextmanager
def writing(practice: Practice) -> Iterator[UnitOfWork]:
    """A unit of work committed when the block ends without an error (a return included)."""
    with practice.unit_of_work() as uow:
        yield uow
        uow.commit()


def fill(uow: UnitOfWork, series: SeriesRow, pro: Professional) -> list[int]:
    """Book every original start of the series up to its end or horizon that has neither a
    session nor an exception; each insert on its own savepoint, so that a session another
    process booked meanwhile (the unique index) is left as it is. Ids of the new sessions."""
    db = uow.db
    starts = series_notices.occurrences_on_record(series)
    skip = set(series.exception_starts())
    taken = set(
        db.scalars(
            select(SessionRow.original_start).where(
                SessionRow.series_id == series.id, SessionRow.original_start.is_not(None)
            )
        )
    )
    made: list[int] = []
    for start in starts:
        if start in skip or start in taken:
            continue
        try:
            with db.begin_nested():
                row = booking.book(  # the one booking rule, shared with single sessions
                    uow,
                    series.client_id,
                    start,
                    force=True,
                    reason=f"series {series.id}",
                    series_id=series.id,
                    original_start=start,
                    **kept(series, series.minutes),
                )
        except IntegrityError:
            continue  # booked by another process at the same moment: once is enough
        made.append(row.id)
    return made


def horizon(pro: Professional, now: datetime) -> datetime:
    return now + timedelta(weeks=pro.series_horizon_weeks)


class SeriesBook:
    """Booking, extending and reading series; each public method one unit of work."""

    def __init__(self, practice: Practice) -> None:
        self.practice = practice
        self.clock = practice.clock

    # -- booking --------------------------------------------------------------------------

    def book(
        self,
        client: str | int,
        start: datetime,
        rule: SeriesRule,
        *,
        on_conflict: OnConflict = "refuse",
        notify: bool = False,
        **given: Unpack[Terms],
    ) -> Booked:
        """Book the series on the ``given`` terms (each session's, as ``booking.book`` takes
        them). Check every occurrence for conflicts before anything is written; ``skip``
        makes the clashing dates exceptions of the series, ``force`` books them anyway."""
        if start.tzinfo is None:
            raise DomainError("the start needs a time zone")
        p = self.practice
        with writing(p) as uow:
            db = uow.db
            pro_row = professional_row(uow)
            pro = pro_row.to_domain()
            tz = ZoneInfo(pro.timezone)
            client_r = booking.bookable_client(db, client)
            start = start.astimezone(UTC)
            now = self.clock.now()
            if start <= now:
                raise DomainError("a series starts in the future")
            if rule.until is not None and rule.until < start.astimezone(tz).date():
                raise DomainError("the series would end before its first session")
            terms = SessionTerms.settle(pro, client_r, **given)
            row = SeriesRow(
                **terms.new_row(pro_row, client_r, now),
                first_start=start,
                minutes=terms.minutes,
                zone=pro.timezone,
                **series_notices.rule_columns(rule),
                exceptions="",
                horizon_reached=horizon(pro, now) if rule.open_ended else None,
            )
            starts = series_notices.occurrences_on_record(row)
            clashes = self._clashes(uow, pro, starts, terms.minutes)
            if clashes and on_conflict == "refuse":
                raise SeriesConflictError(clashes, tz, len(starts))
            skipped = [s for s, _ in clashes] if on_conflict == "skip" else []
            if len(skipped) == len(starts):
                raise DomainError("every session of the series clashes: nothing to book")
            db.add(row)
            db.flush()
            for s in skipped:
                series_links.add_exception(row, s)
            made = fill(uow, row, pro)
            uow.audit(
                "series",
                row.id,
                "book",
                after={
                    "rule": rule.describe(start.astimezone(tz)),
                    "ends": rule.ends_text(),
                    "sessions": len(made),
                    "skipped": [s.isoformat() for s in skipped],
                },
                at=now,
            )
            if notify:
                series_notices.queue_series(db, row, pro, now)
            return Booked(row.to_domain(), [r.to_domain() for r in rows_of(db, row.id)], skipped)

    def _clashes(
        self, uow: UnitOfWork, pro: Professional, starts: list[datetime], minutes: int
    ) -> list[tuple[datetime, list[Conflict]]]:
        found = []
        for s in starts:
            conflicts = slots.conflicts(uow, pro, s, s + timedelta(minutes=minutes), None)
            if conflicts:
                found.append((s, conflicts))
        return found

    # -- keeping open-ended series booked ahead -------------------------------------------

    def extend_all(self) -> int:
        """Book open-ended series up to the horizon; run whenever the app or a command runs.
        Reads first, so that a run with nothing to do never takes the write lock."""
        p = self.practice
        now = self.clock.now()
        with p.reading() as db:
            pro_row = db.scalars(select(ProfessionalRow).limit(1)).first()
            if pro_row is None:
                return 0
            target = horizon(pro_row.to_domain(), now)
            due = list(
                db.scalars(
                    select(SeriesRow.id)
                    .join(ClientRow, ClientRow.id == SeriesRow.client_id)
                    .where(
                        ClientRow.archived.is_(False),  # an archived client is booked no more
                        SeriesRow.ended_from.is_(None),
                        SeriesRow.count.is_(None),
                        SeriesRow.until.is_(None),
                        or_(
                            SeriesRow.horizon_reached.is_(None),
                            SeriesRow.horizon_reached < target,
                        ),
                    )
                )
            )
        made = 0
        for series_id in due:
            with writing(p) as uow:
                row = uow.db.get(SeriesRow, series_id)
                if row is None or (row.horizon_reached and row.horizon_reached >= target):
                    continue  # another process got here first
                row.horizon_reached = target
                made += len(fill(uow, row, professional_row(uow).to_domain()))
        return made

    # -- reading --------------------------------------------------------------------------

    def get(self, series_id: int) -> Series:
        with self.practice.reading() as db:
            return series_row(db, series_id).to_domain()

    def sessions(self, series_id: int) -> list[Session]:
        with self.practice.reading() as db:
            series_row(db, series_id)
            return [r.to_domain() for r in rows_of(db, series_id)]

    def of_client(self, client: str | int) -> list[Series]:
        p = self.practice
        with p.reading() as db:
            client_r = client_row(db, client)
            found = db.scalars(
                select(SeriesRow)
                .where(SeriesRow.client_id == client_r.id)
                .order_by(SeriesRow.first_start)
            )
            return [r.to_domain() for r in found]

    def family(self, series_id: int) -> set[int]:
        """The series and those it was split into (this and following), for a report."""
        with self.practice.reading() as db:
            found = {series_row(db, series_id).id}
            while True:
                more = set(db.scalars(select(SeriesRow.id).where(SeriesRow.split_from.in_(found))))
                if more <= found:
                    return found
                found |= more

    def calendar_events(self) -> list[SeriesEvent]:
        """Every series as a calendar shows it (for the export): RRULE, EXDATEs, overrides."""
        with self.practice.reading() as db:
            found = []
            for row in db.scalars(select(SeriesRow).order_by(SeriesRow.id)):
                summary = f"Session with {row.client.name}"
                if row.service:
                    summary += f" ({row.service})"
                if not series_notices.is_gone(row):
                    found.append(series_notices.series_event(db, row, summary))
            return found

    def place(self, session_id: int) -> Place | None:
        """Where a session stands in its series; None for a single session."""
        p = self.practice
        with p.reading() as db:
            row = session_row(db, session_id)
            if row.series_id is None:
                return None
            series = series_row(db, row.series_id)
            return describe(series, rows_of(db, series.id), row, self.clock.now())
