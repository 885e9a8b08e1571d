"""Client reminders (DESIGN.md section 7): planned when a session is booked, made obsolete when
it is cancelled, moved or deleted, re-planned when the leads change; sent exactly once by
whoever claims the row first (services/reminder_send.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import NotificationRow, ProfessionalRow, ReminderRow, SessionRow
from kara_tui.domain import NotificationStatus, Professional, SessionStatus
from kara_tui.policy import reminders as policy

KIND = "client"
PENDING, QUEUED, SENT, OBSOLETE = "pending", "queued", "sent", "obsolete"


# -- kept in step with the session, inside the caller's transaction ----------------------------


def plan(db: DbSession, row: SessionRow, pro: Professional, now: datetime) -> int:
    """Add the reminder rows a just-booked session gets; how many."""
    tz = ZoneInfo(pro.timezone)
    leads = policy.parse_leads(policy.leads_for(row.client.reminder_leads, pro.reminder_leads))
    quiet = policy.parse_quiet(pro.quiet_hours)
    made = 0
    for lead, due in policy.planned(row.start, now, leads, quiet, tz):
        db.add(
            ReminderRow(
                session_id=row.id,
                kind=KIND,
                lead_minutes=lead * 60,
                due_at=due,
                session_start=row.start,
                status=PENDING,
                note="",
                created_at=now,
                updated_at=now,
            )
        )
        made += 1
    return made


def obsolete(db: DbSession, session_id: int, now: datetime, why: str) -> None:
    """The session is cancelled, moved or deleted: no reminder of it goes (an unsent one made
    already is discarded too)."""
    for r in db.scalars(
        select(ReminderRow).where(
            ReminderRow.session_id == session_id, ReminderRow.status.in_((PENDING, QUEUED))
        )
    ):
        drop(db, r, now, why)


def drop(db: DbSession, r: ReminderRow, now: datetime, why: str) -> None:
    if r.notification_id is not None:
        db.execute(
            update(NotificationRow)
            .where(
                NotificationRow.id == r.notification_id,
                NotificationRow.status.in_(
                    (NotificationStatus.QUEUED.value, NotificationStatus.FAILED.value)
                ),
            )
            .values(status=NotificationStatus.DISCARDED.value, error=f"not sent: {why}")
            .execution_options(synchronize_session=False)
        )
    r.status, r.note, r.updated_at = OBSOLETE, why, now


# Practice settings whose change re-plans the reminders of booked sessions.
PLAN_SETTINGS = frozenset({"reminder_leads", "quiet_hours", "timezone"})


def replan(db: DbSession, now: datetime, why: str, *, client_id: int | None = None) -> int:
    """Bring the reminders of the scheduled sessions still to come (of one client, or all) in
    line with the leads and quiet hours in force now; how many rows changed.

    The key (session, kind, lead) stays unique: a pending row of a lead no longer wanted is
    marked obsolete (due or not), a new lead gets a new row (or its own earlier row back, if
    that was never handed to the outbox), a pending row not yet due is re-timed. Nothing
    claimed or sent is touched, so nothing is sent twice. A lead already passed is not sent
    late, as at booking. Each write is conditional on the row's state, so a sender claiming
    a row at the same moment wins cleanly."""
    coming = [SessionRow.status == SessionStatus.SCHEDULED.value, SessionRow.start > now]
    if client_id is not None:
        coming.append(SessionRow.client_id == client_id)
    sessions = db.scalars(select(SessionRow).where(*coming)).all()
    if not sessions:
        return 0
    rows: dict[int, dict[int, ReminderRow]] = {}  # session id -> lead in minutes -> row
    for r in db.scalars(
        select(ReminderRow)
        .join(SessionRow, ReminderRow.session_id == SessionRow.id)
        .where(ReminderRow.kind == KIND, *coming)
    ):
        assert r.session_id is not None
        rows.setdefault(r.session_id, {})[r.lead_minutes] = r
    pros: dict[int, Professional] = {}
    changed = 0
    for s in sessions:
        if s.professional_id not in pros:
            pro_row = db.get(ProfessionalRow, s.professional_id)
            assert pro_row is not None
            pros[s.professional_id] = pro_row.to_domain()
        pro = pros[s.professional_id]
        leads = policy.parse_leads(policy.leads_for(s.client.reminder_leads, pro.reminder_leads))
        want = {
            lead * 60: due
            for lead, due in policy.planned(
                s.start, now, leads, policy.parse_quiet(pro.quiet_hours), ZoneInfo(pro.timezone)
            )
        }
        made = rows.get(s.id, {})
        for minutes, r in made.items():
            if r.status != PENDING:
                continue
            values: dict[str, Any]
            if minutes // 60 not in leads:  # opted out or lead dropped: not sent, even if due
                values = {"status": OBSOLETE, "note": f"re-planned: {why}"}
            elif minutes in want and want[minutes] != r.due_at and r.due_at > now:
                values = {"due_at": want[minutes], "note": f"re-timed: {why}"}
            else:  # as planned, or already due (or its new time passed): it goes as it is
                continue
            changed += _set(db, r.id, PENDING, values | {"updated_at": now})
        for minutes, due in want.items():
            old = made.get(minutes)
            if old is None:
                db.add(
                    ReminderRow(
                        session_id=s.id,
                        kind=KIND,
                        lead_minutes=minutes,
                        due_at=due,
                        session_start=s.start,
                        status=PENDING,
                        note=f"planned: {why}",
                        created_at=now,
                        updated_at=now,
                    )
                )
                changed += 1
            elif (
                old.status == OBSOLETE
                and old.notification_id is None
                and old.session_start == s.start
            ):
                values = {"status": PENDING, "due_at": due, "note": f"planned again: {why}"}
                changed += _set(db, old.id, OBSOLETE, values | {"updated_at": now})
    db.flush()
    return changed


def _set(db: DbSession, reminder_id: int, status: str, values: dict[str, Any]) -> int:
    """Change a reminder row only if it is still in ``status``: 1 if it was changed."""
    done = cast(
        "CursorResult[Any]",
        db.execute(
            update(ReminderRow)
            .where(
                ReminderRow.id == reminder_id,
                ReminderRow.status == status,
                ReminderRow.notification_id.is_(None),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    return int(done.rowcount)


def set_client_leads(practice: Any, client: str | int, leads: str) -> None:
    """A client's own leads ('48,2'), 'none' to opt out, or 'default' for the practice's: a
    client edit like any other (audited with its before and after)."""
    from kara_tui.services.clients import ClientBook, ClientChanges

    ClientBook(practice).edit(client, ClientChanges(reminders=leads))
