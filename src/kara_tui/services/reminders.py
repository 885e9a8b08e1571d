"""Client reminders (DESIGN.md section 7): planned when a session is booked, made obsolete when
it is cancelled, moved or deleted, and sent exactly once by whoever claims the row first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session as DbSession

from kara_tui.db.rows import NotificationRow, ProfessionalRow, ReminderRow, SessionRow
from kara_tui.domain import (
    Money,
    NotificationKind,
    NotificationStatus,
    Professional,
    SessionStatus,
)
from kara_tui.policy import reminders as policy
from kara_tui.policy.terms import terms_line
from kara_tui.services import notice_text

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
        _drop(db, r, now, why)


def _drop(db: DbSession, r: ReminderRow, now: datetime, why: str) -> None:
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


# -- the text ---------------------------------------------------------------------------------


def text(row: SessionRow, pro: Professional, now: datetime) -> notice_text.NoticeText:
    """Time, length, place, this client's cancellation terms, how to reach the professional;
    the subject names the time only (no service, nothing clinical)."""
    tz = ZoneInfo(pro.timezone)
    local = row.start.astimezone(tz)
    minutes = int((row.end - row.start).total_seconds() // 60)
    where = f", at {row.location}" if row.location else ""
    terms = terms_line(
        row.client.to_domain(), pro, row.start, Money(row.fee_minor, row.currency), tz, now
    )
    reach = f"To reach {pro.name}, reply to this email" + (f" ({pro.email})." if pro.email else ".")
    body = "\n\n".join(
        [
            f"Dear {row.client.name},",
            f"A reminder of your appointment on {local:%A} {local.day} {local:%B %Y at %H:%M} "
            f"({tz.key}), {minutes} minutes{where}.",
            terms,
            reach,
            pro.name,
        ]
    )
    return notice_text.NoticeText(
        subject=f"Appointment reminder: {notice_text.short_when(row.start, tz)}", body=body + "\n"
    )


# -- sending ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Due:
    reminder_id: int
    session_id: int | None
    due_at: datetime
    lead_minutes: int


@dataclass(frozen=True, slots=True)
class RunReport:
    due: list[Due]
    obsolete: list[tuple[int, str]] = field(default_factory=list)  # (reminder id, why)
    queued: list[int] = field(default_factory=list)  # notification ids handed to the outbox
    send: Any = None  # the outbox's SendReport, None on a dry run
    notices: Any = None  # the SendReport of the notices sent first (``run(notices=True)``)


def _why_not(s: SessionRow | None, r: ReminderRow, now: datetime) -> str:
    """Why the session, as it is now, gets no reminder ("" when it does)."""
    if s is None:
        return "the session was deleted"
    if s.status != SessionStatus.SCHEDULED.value:
        return f"the session is {s.status.replace('_', '-')}"
    if s.start != r.session_start:
        return "the session was moved"
    if s.start <= now:
        return "the session has started"
    if not s.client.email:
        return "no email address for this client"
    return ""


class Reminders:
    """``remind``: find what is due, claim each row once, hand it to the outbox to send."""

    def __init__(self, practice: Any, outbox: Any) -> None:
        self.practice = practice
        self.outbox = outbox

    def due(self) -> list[Due]:
        now = self.practice.clock.now()
        with self.practice.reading() as db:
            rows = db.scalars(
                select(ReminderRow)
                .where(ReminderRow.status == PENDING, ReminderRow.due_at <= now)
                .order_by(ReminderRow.due_at, ReminderRow.id)
            ).all()
            return [Due(r.id, r.session_id, r.due_at, r.lead_minutes) for r in rows]

    def run(self, *, dry_run: bool = False, notices: bool = False) -> RunReport:
        """Send the reminders that are due. With ``notices``, first the other queued notices
        (invitations, updates, cancellations), so that a client is never reminded of a
        session whose invitation is still waiting, and a cron line sends everything."""
        if dry_run:
            return RunReport(self.due())
        first = self._queued_notices() if notices else []
        before = self.outbox.send(first) if first else None
        due, dropped, queued = self.queue_due()
        report = self.outbox.send(queued) if queued else None
        if report is not None:
            self._mark_sent([o.notification_id for o in report.outcomes if o.sent])
        return RunReport(due, dropped, queued, report, before)

    def _queued_notices(self) -> list[int]:
        """The queued notices other than reminders, oldest first (a reschedule's
        cancellation before its new invitation)."""
        with self.practice.reading() as db:
            return list(
                db.scalars(
                    select(NotificationRow.id)
                    .where(
                        NotificationRow.status == NotificationStatus.QUEUED.value,
                        NotificationRow.kind != NotificationKind.REMINDER.value,
                    )
                    .order_by(NotificationRow.id)
                )
            )

    def queue_due(self) -> tuple[list[Due], list[tuple[int, str]], list[int]]:
        """Claim what is due into the outbox (``outbox send`` then sends it with the rest):
        what was due, what was not sent and why, and the notification ids to send."""
        due = self.due()
        dropped: list[tuple[int, str]] = []
        queued: list[int] = []
        for d in due:
            outcome = self._claim(d.reminder_id)
            if isinstance(outcome, str):
                dropped.append((d.reminder_id, outcome))
            elif outcome is not None:
                queued.append(outcome)
        queued += self._retries(dropped, exclude=set(queued))
        return due, dropped, queued

    def _claim(self, reminder_id: int) -> int | str | None:
        """Take a pending reminder (None if another sender has it): the notification id made
        for it, or why it is not sent (the row is then obsolete)."""
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            taken = db.execute(
                update(ReminderRow)
                .where(ReminderRow.id == reminder_id, ReminderRow.status == PENDING)
                .values(status=QUEUED, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount != 1:
                return None
            r = db.get(ReminderRow, reminder_id)
            assert r is not None
            db.refresh(r)
            s = db.get(SessionRow, r.session_id) if r.session_id is not None else None
            why = _why_not(s, r, now)
            if why:
                _drop(db, r, now, why)
                return why
            assert s is not None
            words = text(s, self.practice.professional(), now)
            note = NotificationRow(
                session_id=s.id,
                kind=NotificationKind.REMINDER.value,
                recipient=s.client.email,
                subject=words.subject,
                body=words.body,
                ical="",
                status=NotificationStatus.QUEUED.value,
                error="",
                attempts=0,
                created_at=now,
            )
            db.add(note)
            db.flush()
            r.notification_id = note.id
            return note.id

    def _retries(self, dropped: list[tuple[int, str]], exclude: set[int]) -> list[int]:
        """Reminders handed over before but not sent (a failed send): re-checked, then again;
        given up once the session has started."""
        now = self.practice.clock.now()
        again: list[int] = []
        with self.practice.writing() as db:
            rows = db.scalars(
                select(ReminderRow).where(
                    ReminderRow.status == QUEUED, ReminderRow.notification_id.is_not(None)
                )
            ).all()
            for r in rows:
                if r.notification_id in exclude:
                    continue
                n = db.get(NotificationRow, r.notification_id)
                if n is not None and n.status == NotificationStatus.SENT.value:
                    r.status, r.updated_at = SENT, now  # sent by `outbox send`
                if n is None or n.status != NotificationStatus.QUEUED.value:
                    continue
                s = db.get(SessionRow, r.session_id) if r.session_id is not None else None
                why = _why_not(s, r, now)
                if why:
                    _drop(db, r, now, why)
                    dropped.append((r.id, why))
                elif not n.attempts or _backoff_over(n.attempts, r.updated_at, now):
                    again.append(n.id)
        return again

    def _mark_sent(self, notification_ids: list[int]) -> None:
        if not notification_ids:
            return
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            db.execute(
                update(ReminderRow)
                .where(ReminderRow.notification_id.in_(notification_ids))
                .values(status=SENT, updated_at=now)
                .execution_options(synchronize_session=False)
            )


def _backoff_over(attempts: int, since: datetime, now: datetime) -> bool:
    """5, 10, 20, 40 ... minutes (at most 4 h) after the claim, per failed attempt."""
    wait = timedelta(minutes=min(5 * 2 ** max(attempts - 1, 0), 240))
    return now >= since + wait
