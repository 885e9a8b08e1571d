"""Issue 17: the booking form's "Notify client" box, ticked for a client with an email and
disabled, with the reason, for one without; booking with it ticked queues the invitation."""

from __future__ import annotations

from textual.widgets import Input

from calendar_kit import screen_text, settle
from kara_tui.domain import NotificationKind
from kara_tui.ui.screens.session_form import SessionForm
from kara_tui.ui.widgets.toggles import Tick
from support.pilot import type_text


async def test_the_box_follows_the_client_and_booking_invites(app, cal_practice) -> None:
    before = len(cal_practice.list_notifications())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        box = app.screen.query_one("#notify", Tick)
        await type_text(pilot, "Chloe")
        await settle(app, pilot)
        assert (box.value, box.disabled) == (False, True)
        assert "Not notified: no email address for this client." in screen_text(app)
        field = app.screen.query_one("#client", Input)
        field.focus()
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "Anna Smith")
        await settle(app, pilot)
        assert (box.value, box.disabled) == (True, False)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        [note] = cal_practice.list_notifications()[before:]
        assert note.kind is NotificationKind.CONFIRMATION
        assert note.recipient == "anna@example.com"


async def test_the_open_calendar_sends_due_reminders(practice, clock, tmp_path) -> None:
    """Issue 17: while the calendar is open, a worker sends the reminders that are due."""
    from datetime import UTC, datetime

    from kara_tui.config import Settings
    from kara_tui.domain import Money, NotificationStatus
    from kara_tui.ui.app import make_app
    from kara_tui.ui.themes import shipped_themes_dir

    practice.set_setting("email", "me@practice.example")
    anna = practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    practice.book(anna.id, datetime(2026, 11, 18, 15, tzinfo=UTC), force=True)
    clock.advance(hours=31)  # Tuesday 15:00: the 24 h reminder is due
    settings = Settings(path=tmp_path / "config.toml", outbox_dir=tmp_path / "outbox")
    app = make_app(
        practice=practice, settings=settings, clock=clock, theme_dirs=[shipped_themes_dir()]
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.send_reminders()
        await app.workers.wait_for_complete()
        await pilot.pause()
    [note] = practice.list_notifications()
    assert note.subject == "Appointment reminder: Wed 18 Nov 15:00"
    assert note.status is NotificationStatus.SENT
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
