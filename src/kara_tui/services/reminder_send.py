"""Sending due client reminders (DESIGN.md section 7): each row claimed once, re-checked
against the session as it is now, worded, and handed to the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from kara_tui.db.rows import NotificationRow, ReminderRow, SessionRow
from kara_tui.domain import Money, NotificationKind, NotificationStatus, Professional, SessionStatus
from kara_tui.policy.terms import terms_line
from kara_tui.services import notice_text
from kara_tui.services.reminders import PENDING, QUEUED, SENT, drop

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
    return notice_text.Letter(row.client.name, pro.name, tz).notice(
        f"Appointment reminder: {notice_text.short_when(row.start, tz)}",
        f"A reminder of your appointment on {local:%A} {local.day} {local:%B %Y at %H:%M} "
        f"({tz.key}), {minutes} minutes{where}.",
        terms,
        reach,
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
                drop(db, r, now, why)
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
                    drop(db, r, now, why)
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
