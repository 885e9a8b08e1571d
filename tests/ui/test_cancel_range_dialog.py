"""The emergency range dialog, driven with keys: the preview, then everything it promised."""

from __future__ import annotations

from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from kara_tui.clock import FixedClock
from kara_tui.domain import ChargeKind, Money, NotificationKind, Reason, Session, SessionStatus
from kara_tui.services.practice import Practice
from kara_tui.ui.screens.cancel_range import CancelRangeDialog
from support.dialogs import DIALOG_NOW, Host, at, said
from support.pilot import settle, type_text


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DIALOG_NOW, "Europe/London")


@pytest.fixture
def week(practice: Practice) -> dict[str, Session]:
    """Sessions on Tue 17 (two, one prepaid), Wed 18 and Thu 19 November, and one this morning."""
    ada = practice.add_client("Ada Lovelace", email="ada@example.org", fee=Money(9000, "GBP"))
    bob = practice.add_client("Bob Brown", email="bob@example.org", fee=Money(8000, "GBP"))
    return {
        "mon": practice.book(ada.id, at(practice, "2026-11-16 09:00")),
        "tue_ada": practice.book(ada.id, at(practice, "2026-11-17 10:00"), prepaid=True),
        "tue_bob": practice.book(bob.id, at(practice, "2026-11-17 14:00")),
        "wed": practice.book(bob.id, at(practice, "2026-11-18 11:00")),
        "thu": practice.book(ada.id, at(practice, "2026-11-19 10:00")),
    }


def host(practice: Practice, start: date) -> Host:
    return Host(lambda: CancelRangeDialog(practice, start=start))


async def opened(pilot: Pilot[None]) -> CancelRangeDialog:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CancelRangeDialog)
    return screen


async def test_preview_then_cancel_two_days(practice, week):
    app = host(practice, date(2026, 11, 17))
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        assert dialog.focused is dialog.query_one("#from")
        assert dialog.query_one("#to", Input).value == "2026-11-17"
        assert said(dialog, "#count") == (
            "2 sessions will be cancelled, 1 with a refund (prepaid); 2 notices to 2 clients."
        )
        await pilot.press("tab", "ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-18")
        await settle(pilot)
        assert said(dialog, "#count").startswith("3 sessions will be cancelled")
        preview = said(dialog, "#preview")
        assert "Tue 17 Nov 10:00–10:50  Ada Lovelace  90.00 GBP  prepaid: refund" in preview
        assert "Wed 18 Nov 11:00–11:50  Bob Brown" in preview
        assert "Thu 19 Nov" not in preview
        assert said(dialog, "#time-off") == (
            "Tue 17 Nov 2026 to Wed 18 Nov 2026 will be blocked as time off "
            "(Cancelled by the professional)."
        )
        await pilot.press("tab", "tab", *"Flu")
        await settle(pilot)
        assert "(Flu)" in said(dialog, "#time-off")
        await pilot.press("ctrl+s")
        await settle(pilot)

    [cancelled] = app.results
    assert isinstance(cancelled, list)
    expected = [week["tue_ada"].id, week["tue_bob"].id, week["wed"].id]
    assert [s.id for s in cancelled] == expected
    for session_id in expected:
        s = practice.get_session(session_id)
        assert s.status is SessionStatus.CANCELLED
        assert s.cancellation is not None
        assert (s.cancellation.reason, s.cancellation.note) == (Reason.PROFESSIONAL, "Flu")
    refunds = [c for c in practice.get_session(week["tue_ada"].id).charges]
    assert [(c.kind, c.amount) for c in refunds] == [(ChargeKind.REFUND, Money(-9000, "GBP"))]
    assert practice.get_session(week["thu"].id).status is SessionStatus.SCHEDULED
    notices = practice.list_notifications()
    assert [(n.kind, n.session_id) for n in notices] == [
        (NotificationKind.CANCELLATION, i) for i in expected
    ]
    [off] = practice.list_time_off()
    assert (off.start, off.end, off.reason) == (
        at(practice, "2026-11-17 00:00"),
        at(practice, "2026-11-19 00:00"),
        "Flu",
    )


async def test_other_needs_a_note_and_started_sessions_are_left_alone(
    practice, week, clock: FixedClock
):
    clock.advance(hours=2)  # 10:00 on Monday: the 09:00 session has started
    app = host(practice, date(2026, 11, 16))
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        assert said(dialog, "#count") == "No upcoming sessions in these days."
        await pilot.press("tab", "tab", "2")
        await settle(pilot)
        assert dialog.reason is Reason.OTHER
        assert dialog.query_one("#confirm", Button).disabled
        assert "needs a note" in said(dialog, "#note-error")
        await pilot.press("tab", *"Power cut", "tab", "space")  # and no notices
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.results == [[]]
    assert practice.get_session(week["mon"].id).status is SessionStatus.SCHEDULED
    [off] = practice.list_time_off()
    assert off.reason == "Power cut"


async def test_bad_days_block_confirm_and_escape_writes_nothing(practice, week):
    app = host(practice, date(2026, 11, 17))
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("tab", "ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-10")
        await settle(pilot)
        assert said(dialog, "#range-error") == "The last day is before the first."
        assert dialog.query_one("#confirm", Button).disabled
        await pilot.press("ctrl+a", "ctrl+k", *"someday")
        await settle(pilot)
        assert "is not a date I can read" in said(dialog, "#range-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        await pilot.press("ctrl+a", "ctrl+k", *"+2d")  # relative days work too
        await settle(pilot)
        assert said(dialog, "#count").startswith("3 sessions")
        await pilot.press("escape")
        await settle(pilot)
    assert app.results == [None]
    assert all(practice.get_session(s.id).status is SessionStatus.SCHEDULED for s in week.values())
    assert practice.list_time_off() == []
    assert practice.list_notifications() == []


async def test_each_day_shows_the_date_it_resolves_to(practice, week):
    app = host(practice, date(2026, 11, 17))
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        assert said(dialog, "#from-echo").strip() == "→ Tue 17 Nov"
        await pilot.press("ctrl+a", "ctrl+k", *"next friday", "tab", "ctrl+a", "ctrl+k", *"+1w")
        await settle(pilot)
        assert said(dialog, "#from-echo").strip() == "→ Fri 20 Nov"
        assert said(dialog, "#to-echo").strip() == "→ Mon 23 Nov"
        await pilot.press("ctrl+a", "ctrl+k", *"someday")
        await settle(pilot)
        assert said(dialog, "#to-echo").strip() == "?"


async def test_a_weekday_as_the_last_day_counts_from_the_first(practice, week):
    # Today is Monday 16 Nov: "fri" to "mon" is Fri 20 to Mon 23, not back to today.
    app = host(practice, date(2026, 11, 17))
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"fri", "tab", "ctrl+a", "ctrl+k", *"mon")
        await settle(pilot)
        assert said(dialog, "#from-echo").strip() == "→ Fri 20 Nov"
        assert said(dialog, "#to-echo").strip() == "→ Mon 23 Nov"
        assert dialog.span is not None
        assert dialog.problem == ""


async def test_clients_without_email_are_skipped_and_counted(practice, week):
    """Issue 11: each of them used to leave a failed notice in the outbox."""
    cy = practice.add_client("Cy Nomail", fee=Money(9000, "GBP"))
    practice.book(cy.id, at(practice, "2026-11-17 16:00"))
    app = host(practice, date(2026, 11, 17))
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(pilot)
        assert said(dialog, "#count") == (
            "3 sessions will be cancelled, 1 with a refund (prepaid); 2 notices to 2 clients; "
            "1 not notified (no email address)."
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert [n.recipient for n in practice.list_notifications()] == [
        "ada@example.org",
        "bob@example.org",
    ]
