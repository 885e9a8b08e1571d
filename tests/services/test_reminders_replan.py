"""Issue 17: changing the practice's leads or quiet hours, or a client's leads or opt-out,
re-plans the reminders of booked sessions still to come; nothing claimed or sent goes twice
(clock-controlled, on a real SQLite file)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.rows import ReminderRow
from kara_tui.domain import Money, NotificationKind, Reason
from kara_tui.services.clients import ClientBook, ClientChanges
from kara_tui.services.outbox import Outbox
from kara_tui.services.practice import Practice
from kara_tui.services.reminder_send import Reminders

# The conftest clock: Mon 16 Nov 2026 08:00 UTC (London, GMT).
THU_15 = datetime(2026, 11, 19, 15, tzinfo=UTC)
H = 60  # minutes in an hour: lead_minutes


def _rows(practice: Practice) -> list[tuple[int | None, int, str, datetime]]:
    with practice.reading() as db:
        return [
            (r.session_id, r.lead_minutes // H, r.status, r.due_at)
            for r in db.scalars(select(ReminderRow).order_by(ReminderRow.id))
        ]


def _anna(practice: Practice):
    return practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))


def _sender(practice: Practice, tmp_path: Path) -> Reminders:
    practice.set_setting("email", "me@practice.example")
    return Reminders(practice, Outbox(practice, Settings(outbox_dir=tmp_path / "outbox")))


def _reminders_sent(practice: Practice) -> list[str]:
    return [n.subject for n in practice.list_notifications() if n.kind is NotificationKind.REMINDER]


def test_a_new_practice_lead_plans_new_rows_and_marks_the_dropped_one_obsolete(
    practice: Practice,
) -> None:
    anna = _anna(practice)
    s = practice.book(anna.id, THU_15, force=True)
    gone = practice.book(anna.id, THU_15.replace(hour=17), force=True)
    practice.cancel(gone.id, Reason.CLIENT)
    practice.set_setting("reminder_leads", "48,2")
    assert _rows(practice) == [
        (s.id, 24, "obsolete", datetime(2026, 11, 18, 15, tzinfo=UTC)),
        (gone.id, 24, "obsolete", datetime(2026, 11, 18, 17, tzinfo=UTC)),  # as cancelled
        (s.id, 48, "pending", datetime(2026, 11, 17, 15, tzinfo=UTC)),
        (s.id, 2, "pending", datetime(2026, 11, 19, 13, tzinfo=UTC)),
    ]
    with practice.reading() as db:
        notes = [r.note for r in db.scalars(select(ReminderRow).order_by(ReminderRow.id))]
    assert notes[0] == "re-planned: the practice's reminder settings changed"
    assert notes[1] == "the session was cancelled"
    # Back to 24 h: the 24 h row (never handed to the outbox) is planned again, not doubled.
    practice.set_setting("reminder_leads", "24")
    assert [(r[1], r[2]) for r in _rows(practice) if r[0] == s.id] == [
        (24, "pending"),
        (48, "obsolete"),
        (2, "obsolete"),
    ]


def test_new_quiet_hours_re_time_a_pending_reminder(practice: Practice) -> None:
    s = practice.book(_anna(practice).id, datetime(2026, 11, 19, 7, 30, tzinfo=UTC), force=True)
    wed_0730, tue_21 = (
        datetime(2026, 11, 18, 7, 30, tzinfo=UTC),
        datetime(2026, 11, 17, 21, tzinfo=UTC),
    )
    assert _rows(practice) == [(s.id, 24, "pending", tue_21)]  # 07:30 is quiet: the evening before
    practice.set_setting("quiet_hours", "none")
    assert _rows(practice) == [(s.id, 24, "pending", wed_0730)]
    practice.set_setting("quiet_hours", "21:00-08:00")
    assert _rows(practice) == [(s.id, 24, "pending", tue_21)]


def test_a_new_zone_moves_quiet_hours_and_so_the_due_time(practice: Practice) -> None:
    s = practice.book(_anna(practice).id, datetime(2026, 11, 19, 7, 30, tzinfo=UTC), force=True)
    practice.set_setting("timezone", "Asia/Tokyo")  # 07:30 UTC is 16:30 there: not quiet
    assert _rows(practice) == [(s.id, 24, "pending", datetime(2026, 11, 18, 7, 30, tzinfo=UTC))]


def test_a_client_who_opts_out_after_the_reminder_fell_due_gets_none(
    practice: Practice, clock: FixedClock, tmp_path: Path
) -> None:
    anna = _anna(practice)
    s = practice.book(anna.id, THU_15, force=True)
    sender = _sender(practice, tmp_path)
    clock.advance(hours=55, minutes=5)  # Wed 15:05: due five minutes ago, cron not run yet
    ClientBook(practice).edit(anna.id, ClientChanges(reminders="none"))
    assert [r[2] for r in _rows(practice)] == ["obsolete"]
    assert sender.run().due == []
    assert _reminders_sent(practice) == []
    # Opting in again plans only what is still ahead: the 2 h lead, not the passed 24 h one.
    ClientBook(practice).edit(anna.id, ClientChanges(reminders="24,2"))
    assert [(r[1], r[2]) for r in _rows(practice) if r[0] == s.id] == [
        (24, "obsolete"),
        (2, "pending"),
    ]


def test_nothing_sent_or_claimed_goes_twice_when_the_leads_change(
    practice: Practice, clock: FixedClock, tmp_path: Path
) -> None:
    anna = _anna(practice)
    practice.set_setting("reminder_leads", "48")
    s = practice.book(anna.id, THU_15, force=True)
    sender = _sender(practice, tmp_path)
    clock.advance(hours=31)  # Tue 15:00: 48 h before
    assert sender.run().send.sent == 1
    practice.set_setting("reminder_leads", "48,24")  # the 48 h one stays sent, 24 h is new
    clock.advance(hours=24)
    [due] = sender.due()
    assert isinstance(sender._claim(due.reminder_id), int)  # claimed by a sender, not sent yet
    practice.set_setting("reminder_leads", "24")
    practice.set_setting("reminder_leads", "48,24")
    assert [(r[1], r[2]) for r in _rows(practice)] == [(48, "sent"), (24, "queued")]
    assert sender.run().send.sent == 1
    assert sender.run().send is None
    assert _reminders_sent(practice) == ["Appointment reminder: Thu 19 Nov 15:00"] * 2
    assert practice.get_session(s.id).status.value == "scheduled"


def test_a_lead_already_passed_is_not_sent_late_and_past_sessions_are_left_alone(
    practice: Practice, clock: FixedClock
) -> None:
    anna = _anna(practice)
    past = practice.book(anna.id, datetime(2026, 11, 16, 12, tzinfo=UTC), force=True)
    s = practice.book(anna.id, THU_15, force=True)
    clock.advance(hours=40)  # Wed 00:00: 39 h before the session
    practice.set_setting("reminder_leads", "48")
    assert [(r[0], r[1], r[2]) for r in _rows(practice)] == [(s.id, 24, "obsolete")]
    assert past.id not in [r[0] for r in _rows(practice)]
