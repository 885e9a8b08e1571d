"""Notice reads the same in the cancel dialog and in the session's details (issue 11)."""

from __future__ import annotations

from calendar_kit import at, screen_text, settle
from kara_tui.domain import Reason
from kara_tui.ui.screens.details import DetailsScreen


async def test_details_show_the_notice_the_dialog_showed(app, ids, cal_practice) -> None:
    # The calendar's clock is Wed 18 Nov 12:30 London; notice 11 h 44 min before 00:14.
    session = cal_practice.book("Anna Smith", at(19, 0, 14), force=True)
    cal_practice.cancel(session.id, Reason.CLIENT, notify=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.select(cal_practice.get_session(session.id))
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailsScreen)
        notice = next(line for line in screen_text(app).splitlines() if "Notice   " in line)
        assert "11 h 44 min · late" in notice
