"""Issue 17 part 2: reminder rows per (session, lead), quiet hours, DST, booking inside the lead,
obsolete on cancel/move/delete, and the re-check at send time (clock-controlled)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.rows import ReminderRow
from kara_tui.domain import DomainError, Money, NotificationKind, NotificationStatus, Reason
from kara_tui.policy import reminders as policy
from kara_tui.services.outbox import Outbox
from kara_tui.services.practice import Practice
from kara_tui.services.reminder_send import Reminders

LONDON = ZoneInfo("Europe/London")
QUIET = (time(21), time(8))
# The conftest clock: Mon 16 Nov 2026 08:00 UTC (London).
WED_15 = datetime(2026, 11, 18, 15, tzinfo=UTC)


def _rows(practice: Practice) -> list[ReminderRow]:
    with practice.reading() as db:
        rows = db.scalars(select(ReminderRow).order_by(ReminderRow.id)).all()
        db.expunge_all()
        return list(rows)


def _anna(practice: Practice):
    return practice.add_client(
        "Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"), notes="PTSD"
    )


def _sender(practice: Practice, tmp_path: Path) -> Reminders:
    practice.set_setting("email", "me@practice.example")
    outbox = Outbox(practice, Settings(outbox_dir=tmp_path / "outbox"))
    return Reminders(practice, outbox)


# -- policy -----------------------------------------------------------------------------------


def test_leads_and_quiet_hours_are_read_or_refused_in_one_line() -> None:
    assert policy.parse_leads("24") == (24,)
    assert policy.parse_leads("2, 48") == (48, 2)
    assert policy.parse_leads("none") == ()
    with pytest.raises(DomainError, match="'5' is not a reminder lead"):
        policy.parse_leads("5")
    assert policy.parse_quiet("21:00-08:00") == QUIET
    assert policy.parse_quiet("none") is None
    with pytest.raises(DomainError, match="quiet hours are two times"):
        policy.parse_quiet("late")


def test_a_reminder_due_in_quiet_hours_goes_before_them() -> None:
    # 24 h before Tue 09:00 is Mon 09:00: outside quiet hours, as is.
    assert policy.due_at(datetime(2026, 11, 17, 9, tzinfo=UTC), 24, QUIET, LONDON) == datetime(
        2026, 11, 16, 9, tzinfo=UTC
    )
    # 24 h before Tue 07:00 is Mon 07:00 (quiet): it goes Sun 21:00.
    assert policy.due_at(datetime(2026, 11, 17, 7, tzinfo=UTC), 24, QUIET, LONDON) == datetime(
        2026, 11, 15, 21, tzinfo=UTC
    )
    # 2 h before 22:30 is 20:30: not quiet.
    assert policy.due_at(datetime(2026, 11, 17, 22, 30, tzinfo=UTC), 2, QUIET, LONDON) == (
        datetime(2026, 11, 17, 20, 30, tzinfo=UTC)
    )
    # 2 h before 23:30 is 21:30 (quiet): 21:00 the same evening.
    assert policy.due_at(datetime(2026, 11, 17, 23, 30, tzinfo=UTC), 2, QUIET, LONDON) == (
        datetime(2026, 11, 17, 21, tzinfo=UTC)
    )


def test_the_lead_is_real_hours_across_a_clock_change() -> None:
    # Clocks go back at 02:00 BST on Sun 25 Oct 2026: Mon 26 Oct 10:00 GMT less 24 real hours
    # is Sun 25 Oct 10:00 GMT, which London reads as 10:00 too (after the change).
    start = datetime(2026, 10, 26, 10, tzinfo=UTC)
    assert policy.due_at(start, 24, QUIET, LONDON) == datetime(2026, 10, 25, 10, tzinfo=UTC)
    # 48 h: Sat 24 Oct 10:00 UTC, 11:00 BST in London.
    due = policy.due_at(start, 48, QUIET, LONDON)
    assert due.astimezone(LONDON).hour == 11
    # A spring-forward night: 24 h before Mon 30 Mar 2026 07:30 BST is Sun 07:30 BST (quiet),
    # so 21:00 BST on Saturday.
    start = datetime(2026, 3, 30, 6, 30, tzinfo=UTC)
    due = policy.due_at(start, 24, QUIET, LONDON).astimezone(LONDON)
    assert (due.day, due.hour, due.minute) == (28, 21, 0)


def test_a_session_booked_inside_its_lead_gets_no_reminder() -> None:
    now = datetime(2026, 11, 16, 8, tzinfo=UTC)
    soon = datetime(2026, 11, 16, 15, tzinfo=UTC)
    assert policy.planned(soon, now, (24, 2), QUIET, LONDON) == [
        (2, datetime(2026, 11, 16, 13, tzinfo=UTC))
    ]


# -- rows kept in step with the session --------------------------------------------------------


def test_booking_plans_one_row_per_lead_and_the_key_is_unique(practice: Practice) -> None:
    practice.set_setting("reminder_leads", "48,24")
    s = practice.book(_anna(practice).id, datetime(2026, 11, 20, 15, tzinfo=UTC), force=True)
    rows = _rows(practice)
    assert [(r.session_id, r.lead_minutes, r.status) for r in rows] == [
        (s.id, 48 * 60, "pending"),
        (s.id, 24 * 60, "pending"),
    ]
    with pytest.raises(IntegrityError), practice.writing() as db:
        db.add(
            ReminderRow(
                session_id=s.id,
                kind="client",
                lead_minutes=24 * 60,
                due_at=rows[0].due_at,
                session_start=s.start,
                status="pending",
                created_at=s.start,
                updated_at=s.start,
            )
        )


def test_cancel_move_and_delete_make_the_reminders_obsolete(practice: Practice) -> None:
    anna = _anna(practice)
    a = practice.book(anna.id, WED_15, force=True)
    b = practice.book(anna.id, WED_15.replace(hour=17), force=True)
    c = practice.book(anna.id, WED_15.replace(day=19), force=True)
    practice.cancel(a.id, Reason.CLIENT)
    new = practice.reschedule(b.id, WED_15.replace(day=20), by=Reason.CLIENT, force=True)
    practice.delete(c.id)
    got = {(r.session_id, r.status, r.note) for r in _rows(practice)}
    assert got == {
        (a.id, "obsolete", "the session was cancelled"),
        (b.id, "obsolete", "the session was moved"),
        (None, "obsolete", "the session was deleted"),
        (new.id, "pending", ""),
    }


def test_the_setting_none_plans_nothing(practice: Practice) -> None:
    practice.set_setting("reminder_leads", "none")
    practice.book(_anna(practice).id, WED_15, force=True)
    assert _rows(practice) == []


# -- sending ----------------------------------------------------------------------------------


def test_remind_sends_what_is_due_once_with_a_neutral_text(
    practice: Practice, clock: FixedClock, tmp_path: Path
) -> None:
    s = practice.book(
        _anna(practice).id, WED_15, service="Trauma therapy", location="Room 2", force=True
    )
    sender = _sender(practice, tmp_path)
    assert sender.run().due == []  # Monday 08:00: not due till Tuesday 15:00
    clock.advance(hours=31)  # Tuesday 15:00
    assert [d.session_id for d in sender.run(dry_run=True).due] == [s.id]
    assert practice.list_notifications() == []  # a dry run sends and claims nothing
    report = sender.run()
    assert report.send.sent == 1
    [note] = practice.list_notifications()
    assert note.kind is NotificationKind.REMINDER
    assert note.status is NotificationStatus.SENT
    assert note.subject == "Appointment reminder: Wed 18 Nov 15:00"
    assert "Wednesday 18 November 2026 at 15:00 (Europe/London), 50 minutes, at Room 2" in (
        note.body
    )
    # Sent as the 24 h window closes: it says so, rather than a deadline that has passed.
    assert "less than 24 hours away: a cancellation now may be charged (90.00 GBP)" in note.body
    assert "me@practice.example" in note.body
    for clinical in ("Trauma", "therapy", "PTSD"):
        assert clinical not in note.subject + note.body
    assert sender.run().due == []  # sent once, never again
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    assert [r.status for r in _rows(practice)] == ["sent"]


def test_a_session_cancelled_after_the_claim_is_not_reminded_of(
    practice: Practice, clock: FixedClock, tmp_path: Path
) -> None:
    s = practice.book(_anna(practice).id, WED_15, force=True)
    sender = _sender(practice, tmp_path)
    clock.advance(hours=31)
    [due] = sender.due()
    assert isinstance(sender._claim(due.reminder_id), int)  # claimed, handed to the outbox
    practice.cancel(s.id, Reason.CLIENT)  # ...and cancelled before it went
    report = sender.run()
    assert report.send is None
    reminder = [n for n in practice.list_notifications() if n.kind is NotificationKind.REMINDER]
    assert [n.status for n in reminder] == [NotificationStatus.DISCARDED]
    assert list((tmp_path / "outbox").glob("*.eml")) == []


def test_a_moved_session_is_re_checked_at_send_time(
    practice: Practice, clock: FixedClock, tmp_path: Path
) -> None:
    s = practice.book(_anna(practice).id, WED_15, force=True)
    sender = _sender(practice, tmp_path)
    with practice.writing() as db:  # moved behind kara-tui's back (another version, a script)
        from kara_tui.db.rows import SessionRow

        row = db.get(SessionRow, s.id)
        assert row is not None
        row.start = row.start.replace(hour=16)
    clock.advance(hours=31)
    report = sender.run()
    assert report.obsolete == [(_rows(practice)[0].id, "the session was moved")]
    assert report.send is None


def test_a_reminder_before_the_window_names_the_free_cancellation_deadline(
    practice: Practice, clock: FixedClock, tmp_path: Path
) -> None:
    practice.set_setting("reminder_leads", "48")
    practice.book(_anna(practice).id, datetime(2026, 11, 19, 10, tzinfo=UTC), force=True)
    sender = _sender(practice, tmp_path)
    clock.advance(hours=26)  # Tuesday 10:00, 48 h before
    assert sender.run().send.sent == 1
    [note] = practice.list_notifications()
    assert (
        "Free cancellation until Wednesday 18 November 10:00; later cancellations may be "
        "charged (90.00 GBP)." in note.body
    )


def test_a_client_may_have_own_leads_or_opt_out(practice: Practice) -> None:
    from kara_tui.services.reminders import set_client_leads

    anna = _anna(practice)
    bo = practice.add_client("Bo", email="bo@example.com", fee=Money(9000, "GBP"))
    set_client_leads(practice, anna.id, "48,2")
    set_client_leads(practice, bo.id, "none")
    a = practice.book(anna.id, datetime(2026, 11, 20, 15, tzinfo=UTC), force=True)
    practice.book(bo.id, datetime(2026, 11, 20, 17, tzinfo=UTC), force=True)
    assert [(r.session_id, r.lead_minutes) for r in _rows(practice)] == [
        (a.id, 48 * 60),
        (a.id, 2 * 60),
    ]
    with pytest.raises(DomainError, match="not a reminder lead"):
        set_client_leads(practice, bo.id, "12")
    set_client_leads(practice, bo.id, "default")
    assert practice.find_client(bo.id).reminder_leads is None
