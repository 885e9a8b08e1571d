"""The Confirm and Back buttons of the session dialogs, reached with tab and pressed with enter."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App
from textual.widgets import Button

from kara_tui.domain import Money, SessionStatus
from kara_tui.services.practice import Practice
from kara_tui.ui.screens.cancel import CancelDialog

TUE_10 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)


class Host(App[None]):
    def __init__(self, dialog: CancelDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def _booked(practice: Practice) -> int:
    client = practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    return practice.book(client.id, TUE_10).id


async def _settle(app: App[None], pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_back_button_writes_nothing(practice: Practice) -> None:
    session_id = _booked(practice)
    app = Host(CancelDialog(practice, session_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.screen.query_one("#back", Button).focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.results == [None]
    assert practice.get_session(session_id).status is SessionStatus.SCHEDULED


async def test_the_confirm_button_cancels(practice: Practice) -> None:
    session_id = _booked(practice)
    app = Host(CancelDialog(practice, session_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("1")  # Cancelled by the professional
        await _settle(app, pilot)
        app.screen.query_one("#confirm", Button).focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert len(app.results) == 1
    session = practice.get_session(session_id)
    assert session.status is SessionStatus.CANCELLED
    assert session.cancellation is not None
    assert session.cancellation.reason.value == "professional"
