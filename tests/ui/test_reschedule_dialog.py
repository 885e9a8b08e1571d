"""The reschedule dialog, driven with keys: live conflicts, book anyway, the linked session."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input

from kara_tui.clock import FixedClock
from kara_tui.domain import Money, NotificationKind, Reason, Session, SessionStatus
from kara_tui.services.practice import Practice
from kara_tui.ui.screens._dialog import ChoiceSet
from kara_tui.ui.screens.reschedule import RescheduleDialog
from support.dialogs import DIALOG_NOW, Host, at, said
from support.pilot import settle, type_text


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DIALOG_NOW, "Europe/London")


@pytest.fixture
def ada(practice: Practice):
    return practice.add_client("Ada Lovelace", email="ada@example.org", fee=Money(9000, "GBP"))


@pytest.fixture
def bob(practice: Practice):
    return practice.add_client("Bob Brown", email="bob@example.org", fee=Money(9000, "GBP"))


async def opened(practice: Practice, session_id: int, pilot: Pilot[None]) -> RescheduleDialog:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RescheduleDialog)
    return screen


def host(practice: Practice, session_id: int) -> Host:
    return Host(lambda: RescheduleDialog(practice, session_id))


async def test_warns_of_a_clash_and_books_anyway_on_a_second_ctrl_s(practice, ada, bob):
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    practice.book(bob.id, at(practice, "2026-11-24 10:00"))
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        assert dialog.focused is dialog.query_one("#start")
        assert dialog.query_one("#start", Input).value == "2026-11-18 10:00"  # the next free day
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-24 10:00")
        await settle(pilot)
        assert dialog.query_one("#minutes", Input).value == "50"
        assert dialog.query_one("#notify", Checkbox).value is True
        conflicts = said(dialog, "#conflicts")
        assert "has 1 conflict" in conflicts
        assert "overlaps Bob Brown's session at Tue 24 Nov 10:00" in conflicts
        # Who asked is a choice the user makes; until then Confirm waits.
        assert dialog.query_one("#confirm", Button).disabled
        await pilot.press("tab", "tab")
        assert dialog.focused is dialog.query_one("#asked")
        await pilot.press("1")
        await settle(pilot)
        assert dialog.asked_by is Reason.CLIENT
        await pilot.press("ctrl+s")  # the first ctrl+s only asks
        await settle(pilot)
        assert app.results == []
        assert practice.get_session(old.id).status is SessionStatus.SCHEDULED
        assert "press ctrl+s again to book anyway" in said(dialog, "#status")
        assert "Book anyway" in str(dialog.query_one("#confirm", Button).label)
        await pilot.press("ctrl+s")
        await settle(pilot)

    [new] = app.results
    assert isinstance(new, Session)
    assert new.rescheduled_from == old.id
    assert new.start == at(practice, "2026-11-24 10:00")
    assert new.minutes == 50
    cancelled = practice.get_session(old.id)
    assert cancelled.status is SessionStatus.CANCELLED
    assert cancelled.cancellation is not None
    assert cancelled.cancellation.reason is Reason.CLIENT
    assert [a.action for a in practice.history(old.id)] == ["book", "reschedule"]
    assert [a.action for a in practice.history(new.id)] == ["reschedule_to"]
    notices = practice.list_notifications()
    assert [(n.kind, n.session_id) for n in notices] == [
        (NotificationKind.CANCELLATION, old.id),
        (NotificationKind.CONFIRMATION, new.id),
    ]


async def test_a_free_time_books_with_one_confirm_and_changing_the_time_drops_the_warning(
    practice, ada, bob
):
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    practice.book(bob.id, at(practice, "2026-11-24 10:00"))
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-24 10:00")
        await settle(pilot)
        assert "conflict" in said(dialog, "#conflicts")
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-25 11:00")
        await pilot.press("tab")
        await pilot.press("ctrl+a", "ctrl+k", *"60", "tab", "2")
        await settle(pilot)
        assert said(dialog, "#conflicts") == "✓ Wed 25 Nov 2026, 11:00–12:00 is free."
        assert dialog.asked_by is Reason.PROFESSIONAL
        await pilot.press("tab", "space")  # untick "Notify client"
        await settle(pilot)
        assert "No notices" in said(dialog, "#notify-hint")
        await pilot.press("ctrl+s")
        await settle(pilot)

    [new] = app.results
    assert isinstance(new, Session)
    assert (new.start, new.minutes) == (at(practice, "2026-11-25 11:00"), 60)
    old_now = practice.get_session(old.id)
    assert old_now.cancellation is not None
    assert old_now.cancellation.reason is Reason.PROFESSIONAL
    assert practice.list_notifications() == []


async def test_conflicts_include_time_off_and_working_hours(practice, ada):
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    practice.add_time_off(
        at(practice, "2026-11-24 00:00"), at(practice, "2026-11-25 00:00"), "Course"
    )
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-24 10:00")
        await settle(pilot)
        assert "falls in time off (Course)" in said(dialog, "#conflicts")
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-26 20:00")
        await settle(pilot)
        assert "is outside working hours" in said(dialog, "#conflicts")


async def test_bad_times_are_explained_and_escape_writes_nothing(practice, ada):
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        confirm = dialog.query_one("#confirm", Button)
        await pilot.press("ctrl+a", "ctrl+k", *"the day after", "tab", "tab", "1")
        await settle(pilot)
        assert "is not a date and time I can read" in said(dialog, "#start-error")
        assert confirm.disabled
        await pilot.press("shift+tab", "shift+tab", "ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-17 10:00")
        await settle(pilot)
        assert said(dialog, "#start-error") == "That is the session's current time: choose another."
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "2026-11-18 10:00")
        await pilot.press("tab", "ctrl+a", "ctrl+k", "0")
        await settle(pilot)
        assert said(dialog, "#start-error") == "Minutes must be a whole number above zero."
        await pilot.press("ctrl+a", "ctrl+k", *"50")
        await settle(pilot)
        assert not confirm.disabled
        await pilot.press("escape")
        await settle(pilot)
    assert app.results == [None]
    assert practice.get_session(old.id).status is SessionStatus.SCHEDULED
    assert len(practice.list_sessions()) == 1
    assert practice.list_notifications() == []


async def test_a_clash_booked_meanwhile_asks_again_instead_of_failing(practice, ada, bob):
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        assert said(dialog, "#conflicts").startswith("✓")
        await pilot.press("tab", "tab", "1")
        await settle(pilot)
        practice.book(bob.id, at(practice, "2026-11-18 10:00"))  # someone else, just now
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        assert "overlaps Bob Brown's session" in said(dialog, "#conflicts")
        assert "book anyway" in said(dialog, "#status")
        await pilot.press("ctrl+s")
        await settle(pilot)
    [new] = app.results
    assert isinstance(new, Session) and new.rescheduled_from == old.id


async def test_the_default_is_the_first_free_day_at_the_same_time(practice, ada, bob):
    # Weekly on Tuesdays: "same time next week" would be Ada's own next session.
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    practice.book(ada.id, at(practice, "2026-11-24 10:00"))
    practice.book(bob.id, at(practice, "2026-11-18 09:30"))  # Wednesday 10:00 overlaps
    practice.add_time_off(
        at(practice, "2026-11-19 00:00"), at(practice, "2026-11-20 00:00"), "Course"
    )
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        assert dialog.query_one("#start", Input).value == "2026-11-20 10:00"
        assert said(dialog, "#conflicts") == "✓ Fri 20 Nov 2026, 10:00–10:50 is free."


async def test_the_default_falls_back_to_next_week_when_two_weeks_are_full(practice, ada):
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    practice.add_time_off(
        at(practice, "2026-11-18 00:00"), at(practice, "2026-12-02 00:00"), "Away"
    )
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        assert dialog.query_one("#start", Input).value == "2026-11-24 10:00"
        assert "falls in time off (Away)" in said(dialog, "#conflicts")


async def test_a_cancelled_session_cannot_be_rescheduled(practice, ada):
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    practice.cancel(old.id, Reason.PROFESSIONAL)
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        assert not dialog.query("#confirm")
        assert any(
            "only a scheduled session can be rescheduled" in str(w.content)
            for w in dialog.query("Static")
        )
        await pilot.press("ctrl+s", "escape")
        await settle(pilot)
    assert app.results == [None]


async def test_the_asker_is_picked_with_arrows(practice, ada):
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        await pilot.press("tab", "tab", "down")
        await settle(pilot)
        assert dialog.query_one("#asked", ChoiceSet).pressed_index == 0
        await pilot.press("down")
        await settle(pilot)
        assert dialog.asked_by is Reason.PROFESSIONAL
        assert "'Cancelled by the professional'" in said(dialog, "#record")


async def test_a_started_session_cannot_be_moved(practice, ada, clock: FixedClock):
    old = practice.book(ada.id, at(practice, "2026-11-16 10:00"))
    clock.advance(hours=3)
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        assert not dialog.query("#confirm")
        assert "has already started" in said(dialog, "#closed")
        await pilot.press("escape")
        await settle(pilot)
    assert app.results == [None]
    assert practice.get_session(old.id).status is SessionStatus.SCHEDULED


async def test_the_new_start_shows_the_day_it_resolves_to(practice, ada):
    old = practice.book(ada.id, at(practice, "2026-11-17 10:00"))
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "next friday 10:00")
        await settle(pilot)
        assert said(dialog, "#start-echo") == "→ Fri 20 Nov 2026 10:00"
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "next fryday 10:00")
        await settle(pilot)
        assert said(dialog, "#start-echo") == ""
        assert "is not a date" in said(dialog, "#start-error")


async def test_a_client_without_email_has_notify_unticked_and_disabled(practice):
    """Issue 11: 'Notify client' was ticked and each reschedule left two failed notices."""
    cy = practice.add_client("Cy Nomail", fee=Money(9000, "GBP"))
    old = practice.book(cy.id, at(practice, "2026-11-17 10:00"))
    app = host(practice, old.id)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await opened(practice, old.id, pilot)
        box = dialog.query_one("#notify", Checkbox)
        assert (box.value, box.disabled) == (False, True)
        assert said(dialog, "#notify-hint") == "Not notified: no email address for this client."
