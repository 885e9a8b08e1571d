"""Issue 17: the booking form's "Notify client" box, ticked for a client with an email and
disabled, with the reason, for one without; booking with it ticked queues the invitation."""

from __future__ import annotations

from textual.widgets import Input

from calendar_kit import screen_text, settle
from kara_tui.domain import NotificationKind
from kara_tui.ui.screens.session_form import SessionForm
from kara_tui.ui.widgets.toggles import Tick


async def test_the_box_follows_the_client_and_booking_invites(app, cal_practice) -> None:
    before = len(cal_practice.list_notifications())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        box = app.screen.query_one("#notify", Tick)
        await pilot.press(*"Chloe")
        await settle(app, pilot)
        assert (box.value, box.disabled) == (False, True)
        assert "Not notified: no email address for this client." in screen_text(app)
        field = app.screen.query_one("#client", Input)
        field.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"Anna Smith")
        await settle(app, pilot)
        assert (box.value, box.disabled) == (True, False)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        [note] = cal_practice.list_notifications()[before:]
        assert note.kind is NotificationKind.CONFIRMATION
        assert note.recipient == "anna@example.com"
