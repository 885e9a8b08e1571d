"""A time that happens twice (2027-10-31 01:30 Europe/London): the form asks which (issue 11)."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Button, Input

from calendar_kit import screen_text, settle
from kara_tui.ui.screens.confirm import ConfirmDialog
from kara_tui.ui.screens.session_form import SessionForm
from support.pilot import field, retype, type_text


async def test_the_form_offers_both_readings_and_previews_the_real_end(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        await type_text(pilot, "Anna Smith")
        await retype(pilot, app, "start", "2027-10-31 01:30")
        await settle(app, pilot)
        text = screen_text(app)
        assert "01:30 happens twice that night: pick one." in text
        assert "01:30 BST (+01:00)" in text and "01:30 GMT (+00:00)" in text
        await pilot.press("ctrl+s")  # nothing is booked on a guess
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        # Said once, on the live line under the times (not again on the error line).
        assert "01:30 happens twice that night: pick one." in screen_text(app)
        assert not [s for s in cal_practice.list_sessions() if s.start.year == 2027]

        await pilot.click("#fold-0")  # the first 01:30, BST
        await settle(app, pilot)
        assert field(app, "start").value == "2027-10-31 01:30+01:00"
        text = screen_text(app)
        assert "01:30 BST–01:20 GMT" in text  # 50 real minutes, across the change
        assert "happens twice" not in text
        assert not app.screen.query_one("#start-fold").has_class("-shown")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)  # a Sunday night: outside working hours
        await pilot.press("y")
        await settle(app, pilot)
        (booked,) = [s for s in cal_practice.list_sessions() if s.start.year == 2027]
        assert booked.start == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
        assert booked.end == datetime(2027, 10, 31, 1, 20, tzinfo=UTC)


async def test_choosing_the_second_reading_books_the_gmt_hour(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "Anna Smith")
        await retype(pilot, app, "start", "2027-10-31 01:30")
        await settle(app, pilot)
        assert app.screen.query_one("#fold-1", Button).label.plain == "01:30 GMT (+00:00)"
        await pilot.click("#fold-1")
        await settle(app, pilot)
        assert field(app, "start").value == "2027-10-31 01:30+00:00"
        assert "01:30 GMT–02:20 GMT" in screen_text(app)  # the second 01:30, said so


async def test_the_reschedule_dialog_asks_which_and_moves_to_the_chosen_hour(
    practice, clock
) -> None:
    from textual.app import App

    from kara_tui.domain import Money, Reason
    from kara_tui.ui.screens.reschedule import RescheduleDialog

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(RescheduleDialog(practice, old.id))

    ada = practice.add_client("Ada Lovelace", fee=Money(9000, "GBP"))
    old = practice.book(ada.id, datetime(2026, 11, 17, 10, 0, tzinfo=UTC))
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:  # the smallest terminal we draw for
        await settle(app, pilot)
        dialog = app.screen
        dialog.query_one("#start", Input).value = "2027-10-31 01:30"
        await settle(app, pilot)
        assert "01:30 happens twice that night: pick one below." in screen_text(app)
        assert dialog.query_one("#fold-1", Button).label.plain == "01:30 GMT (+00:00)"
        await pilot.click("#fold-1")
        await settle(app, pilot)
        assert dialog.query_one("#start", Input).value == "2027-10-31 01:30+00:00"
        # The echo says which 01:30, whole (beside the field, 80 columns cut it).
        assert "→ Sun 31 Oct 2027 01:30 GMT" in screen_text(app)
        dialog.query_one("#asked").pick(0)
        await settle(app, pilot)
        await pilot.press("ctrl+s", "ctrl+s")  # outside working hours: book anyway
        await settle(app, pilot)
    (new,) = [s for s in practice.list_sessions() if s.rescheduled_from == old.id]
    assert new.start == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert practice.get_session(old.id).cancellation.reason is Reason.CLIENT
