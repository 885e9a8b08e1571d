"""A session a reschedule replaced reads as moved (and where to), never as a late cancellation."""

from __future__ import annotations

from textual.widgets import OptionList

from calendar_kit import at, screen_text, settle, shown
from kara_tui.domain import Reason, SessionStatus
from kara_tui.ui.calendar_data import View
from kara_tui.ui.screens.details import DetailsScreen
from kara_tui.ui.screens.search import SearchScreen
from support.pilot import type_text


async def test_a_rescheduled_session_reads_moved_with_its_new_date(app, ids, cal_practice) -> None:
    # Within Chloe's 48-hour window: cancelled, it would read "⊘ late · by client".
    moved = cal_practice.reschedule(ids["future"], at(24, 15), by=Reason.CLIENT)
    old = cal_practice.get_session(ids["future"])
    assert old.status is SessionStatus.CANCELLED and old.cancellation.late
    assert not old.charges  # nothing was charged for it
    assert cal_practice.rescheduled_to([old.id, ids["late"]]) == {old.id: moved.start}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.select(old)
        await settle(app, pilot)
        line = shown(app, "#selection")
        assert "↷ moved · Tue 24 Nov" in line
        assert "late" not in line
        assert "↷ moved · Tue 24 Nov" in screen_text(app)  # the week's block says it too
        # A plain late cancellation still reads late.
        app.screen.select(cal_practice.get_session(ids["late"]))
        await settle(app, pilot)
        assert "⊘ late · by client" in shown(app, "#selection")
        await pilot.press("4")  # the agenda from the cursor's day
        await settle(app, pilot)
        assert app.screen.view is View.AGENDA
        app.screen.select(old)
        await settle(app, pilot)
        text = screen_text(app)
        assert "↷ moved · Tue 24 Nov" in text
        assert "Chloe Patel" in text and "● scheduled" in text


async def test_details_and_search_say_moved_not_late(app, ids, cal_practice) -> None:
    moved = cal_practice.reschedule(ids["future"], at(24, 15), by=Reason.CLIENT)
    old = cal_practice.get_session(ids["future"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.select(old)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailsScreen)
        text = screen_text(app)
        assert "↷ moved · Tue 24 Nov" in text
        assert "Rescheduled" in text and "Moved to" in text and "Tue 24 Nov" in text
        # Within the window, but a reschedule is never late (the calendar behind the dialog
        # shows another, really late, cancellation: look at the dialog's own lines).
        notice = next(line for line in text.splitlines() if "Notice   " in line)
        assert "h" in notice and "late" not in notice
        status = next(line for line in text.splitlines() if "Status   " in line)
        assert "↷ moved" in status
        await pilot.press("escape")
        await settle(app, pilot)
        app.push_screen(SearchScreen(cal_practice, cal_practice.tz))
        await settle(app, pilot)
        await type_text(pilot, "Chloe")
        await settle(app, pilot)
        options = app.screen.query_one(OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("↷ moved · Tue 24 Nov" in line for line in lines)
        assert not any("late" in line for line in lines)
        # The new session is listed as a plain scheduled one.
        assert sum("● scheduled" in line for line in lines) >= 1
        assert moved.status is SessionStatus.SCHEDULED
