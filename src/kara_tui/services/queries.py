"""The read model: what the calendar, the dialogs and the CLI read, as domain values."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from kara_tui.db.rows import (
    AuditRow,
    ClientRow,
    ExternalEventRow,
    FeedRow,
    NotificationRow,
    SessionRow,
    TimeOffRow,
)
from kara_tui.domain import (
    AuditEvent,
    Client,
    ExternalEvent,
    Feed,
    Notification,
    NotificationStatus,
    Session,
    SessionStatus,
    TimeOff,
    instant,
)
from kara_tui.policy.conflicts import event_blocks
from kara_tui.services.lookup import client_row, like_literal, session_row
from kara_tui.services.uow import UnitOfWork


def list_clients(uow: UnitOfWork, *, include_archived: bool = False) -> list[Client]:
    stmt = select(ClientRow).order_by(ClientRow.name)
    if not include_archived:
        stmt = stmt.where(ClientRow.archived.is_(False))
    return [r.to_domain() for r in uow.db.scalars(stmt)]


def find_client(uow: UnitOfWork, name_or_id: str | int) -> Client:
    return client_row(uow.db, name_or_id).to_domain()


def get_session(uow: UnitOfWork, session_id: int) -> Session:
    return session_row(uow.db, session_id).to_domain()


def list_sessions(
    uow: UnitOfWork,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    client_id: int | None = None,
    status: SessionStatus | None = None,
) -> list[Session]:
    """Sessions overlapping [start, end), in start order."""
    stmt = select(SessionRow).order_by(SessionRow.start, SessionRow.id)
    if start is not None:
        stmt = stmt.where(SessionRow.end > start)
    if end is not None:
        stmt = stmt.where(SessionRow.start < end)
    if client_id is not None:
        stmt = stmt.where(SessionRow.client_id == client_id)
    if status is not None:
        stmt = stmt.where(SessionRow.status == status.value)
    return [r.to_domain() for r in uow.db.scalars(stmt)]


def session_after(uow: UnitOfWork, moment: datetime) -> tuple[int, datetime] | None:
    """(id, start) of the first session starting at or after ``moment``: where j goes
    from the end of a page, however many empty weeks lie between."""
    stmt = (
        select(SessionRow.id, SessionRow.start)
        .where(SessionRow.start >= moment)
        .order_by(SessionRow.start, SessionRow.id)
        .limit(1)
    )
    row = uow.db.execute(stmt).first()
    return (row[0], row[1]) if row is not None else None


def session_before(uow: UnitOfWork, moment: datetime) -> tuple[int, datetime] | None:
    """(id, start) of the last session starting before ``moment`` (k from a page's start)."""
    stmt = (
        select(SessionRow.id, SessionRow.start)
        .where(SessionRow.start < moment)
        .order_by(SessionRow.start.desc(), SessionRow.id.desc())
        .limit(1)
    )
    row = uow.db.execute(stmt).first()
    return (row[0], row[1]) if row is not None else None


def change_token(uow: UnitOfWork) -> object:
    """A value that changes when anything the calendar shows is written, by anyone: the
    newest audit record (every session, client, time-off and settings write leaves one)
    and the feeds' state (a sync touches ``last_attempt``). Two indexed reads, cheap
    enough for a timer; on SQLite the quick reads use ``PRAGMA data_version`` instead.
    """
    newest = uow.db.scalar(select(func.max(AuditRow.id)))
    feeds = uow.db.execute(
        select(
            func.count(FeedRow.id),
            func.max(FeedRow.id),
            func.max(FeedRow.last_attempt),
            func.count(FeedRow.id).filter(FeedRow.enabled.is_(True)),
            func.count(FeedRow.id).filter(FeedRow.block_all_day.is_(True)),
        )
    ).one()
    return (newest, *feeds)


def search_sessions(uow: UnitOfWork, text: str, *, limit: int = 50) -> list[Session]:
    """Sessions whose client's name contains ``text``, the next upcoming first."""
    needle = f"%{like_literal(text.strip())}%"
    now = uow.clock.now()
    stmt = (
        select(SessionRow)
        .join(ClientRow)
        .where(ClientRow.name.ilike(needle, escape="\\"), ClientRow.archived.is_(False))
        .order_by(SessionRow.start)
    )
    rows = [r.to_domain() for r in uow.db.scalars(stmt)]
    upcoming = [s for s in rows if s.end >= now]
    past = [s for s in reversed(rows) if s.end < now]
    return (upcoming + past)[:limit]


def rescheduled_to(uow: UnitOfWork, session_ids: list[int]) -> dict[int, datetime]:
    """For each of ``session_ids`` that a reschedule replaced: the new session's start."""
    if not session_ids:
        return {}
    rows = uow.db.execute(
        select(SessionRow.rescheduled_from, SessionRow.start).where(
            SessionRow.rescheduled_from.in_(session_ids)
        )
    )
    return {old: start for old, start in rows if old is not None}


def history(uow: UnitOfWork, session_id: int) -> list[AuditEvent]:
    stmt = (
        select(AuditRow)
        .where(AuditRow.entity == "session", AuditRow.entity_id == session_id)
        .order_by(AuditRow.id)
    )
    return [r.to_domain() for r in uow.db.scalars(stmt)]


def list_time_off(
    uow: UnitOfWork, *, start: datetime | None = None, end: datetime | None = None
) -> list[TimeOff]:
    stmt = select(TimeOffRow).order_by(TimeOffRow.start)
    if start is not None:
        stmt = stmt.where(TimeOffRow.end > start)
    if end is not None:
        stmt = stmt.where(TimeOffRow.start < end)
    return [r.to_domain() for r in uow.db.scalars(stmt)]


def calendar_feeds(uow: UnitOfWork) -> list[Feed]:
    """Every feed as the calendar draws its events (colour, stale), without its address:
    no keyring lookup, so it is cheap enough for every page turn."""
    return [r.to_domain(source="") for r in uow.db.scalars(select(FeedRow).order_by(FeedRow.id))]


def external_events(
    uow: UnitOfWork, start: datetime, end: datetime, tz: ZoneInfo
) -> list[ExternalEvent]:
    """Stored feed occurrences overlapping [start, end), from enabled feeds."""
    stmt = (
        select(ExternalEventRow)
        .join(FeedRow)
        .where(
            FeedRow.enabled.is_(True),
            ExternalEventRow.end > start - timedelta(days=1),
            ExternalEventRow.start < end + timedelta(days=1),
        )
        .order_by(ExternalEventRow.start)
    )
    events = [r.to_domain() for r in uow.db.scalars(stmt)]
    return [e for e in events if instant(e.start, tz) < end and start < instant(e.end, tz)]


def visible_events(
    uow: UnitOfWork, start: datetime, end: datetime, tz: ZoneInfo
) -> list[ExternalEvent]:
    """``external_events`` without the cancelled ones, for drawing a calendar page.

    One Core query selecting columns (no ORM objects, no joined feed rows): a busy week
    holds hundreds of occurrences, and the calendar reads one on every page turn.
    """
    e, f = ExternalEventRow.__table__.c, FeedRow.__table__.c
    stmt = (
        select(
            e.id,
            e.feed_id,
            f.name,
            e.uid,
            e.recurrence_id,
            e.start,
            e.end,
            e.all_day,
            e.summary,
            e.location,
            e.busy,
        )
        .select_from(ExternalEventRow.__table__.join(FeedRow.__table__, e.feed_id == f.id))
        .where(
            f.enabled.is_(True),
            e.cancelled.is_(False),
            e.end > start - timedelta(days=1),
            e.start < end + timedelta(days=1),
        )
        .order_by(e.start)
    )
    rows = uow.db.connection().execute(stmt).all()
    found = []
    for id_, feed_id, name, uid, rid, first, last, all_day, summary, location, busy in rows:
        a: datetime | date = first.date() if all_day else first
        b: datetime | date = last.date() if all_day else last
        if instant(a, tz) < end and start < instant(b, tz):
            found.append(
                ExternalEvent(
                    id=id_,
                    feed_id=feed_id,
                    feed_name=name,
                    uid=uid,
                    recurrence_id=rid,
                    start=a,
                    end=b,
                    all_day=all_day,
                    summary=summary,
                    location=location,
                    busy=busy,
                    cancelled=False,
                )
            )
    return found


def sessions_overlapping_busy_events(
    uow: UnitOfWork, start: datetime, end: datetime, tz: ZoneInfo
) -> set[int]:
    """Ids of live sessions in [start, end) that clash with an external event that blocks
    time (policy.conflicts.event_blocks)."""
    blocking = {f.id: f.block_all_day for f in calendar_feeds(uow)}
    events = [
        e
        for e in external_events(uow, start, end, tz)
        if not e.cancelled
        and event_blocks(
            e.start,
            e.end,
            all_day=e.all_day,
            busy=e.busy,
            block_all_day=blocking.get(e.feed_id, False),
        )
    ]
    if not events:
        return set()
    spans = [(instant(e.start, tz), instant(e.end, tz)) for e in events]
    clashing: set[int] = set()
    for s in list_sessions(uow, start=start, end=end):
        if s.status is SessionStatus.CANCELLED:
            continue
        if any(a < s.end and s.start < b for a, b in spans):
            clashing.add(s.id)
    return clashing


def preview_range(uow: UnitOfWork, start: datetime, end: datetime) -> list[Session]:
    """The scheduled sessions an emergency cancellation of [start, end) would cancel."""
    now = uow.clock.now()
    sessions = list_sessions(uow, start=start, end=end, status=SessionStatus.SCHEDULED)
    return [s for s in sessions if s.start >= now]


def list_notifications(
    uow: UnitOfWork, *, status: NotificationStatus | None = None
) -> list[Notification]:
    stmt = select(NotificationRow).order_by(NotificationRow.id)
    if status is not None:
        stmt = stmt.where(NotificationRow.status == status.value)
    return [r.to_domain() for r in uow.db.scalars(stmt)]


def is_empty(uow: UnitOfWork) -> bool:
    """True on a first run: no clients and no sessions yet."""
    return uow.db.scalars(select(ClientRow.id).limit(1)).first() is None and (
        uow.db.scalars(select(SessionRow.id).limit(1)).first() is None
    )
