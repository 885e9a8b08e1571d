"""Past sessions still unmarked: the calendar counts them, and A opens a screen that marks them
one after another with a (attended) and x (no-show), and u undoes (Pilot, real SQLite file)."""

from __future__ import annotations

from textual.widgets import DataTable

from calendar_kit import notices, screen_text, settle
from kara_tui.domain import ChargeStatus, SessionStatus
from kara_tui.ui.screens.attendance import AttendanceScreen
from kara_tui.ui.screens.cancel import CancelDialog


async def test_the_calendar_says_how_many_need_attendance_and_a_x_u_mark_them(
    app, ids, cal_practice
) -> None:
    # The seeded week at Wed 18 Nov 12:30: Ben's Tue 09:00 is cancelled, Anna's Mon 10:00 is
    # attended; Anna's Wed 10:00 ("past") is the one session still unmarked.
    extra = cal_practice.book(
        cal_practice.find_client("Chloe Patel").id,
        cal_practice.get_session(ids["attended"]).start.replace(hour=15),
        force=True,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "2 sessions need attendance (A)" in screen_text(app)
        await pilot.press("A")
        await settle(app, pilot)
        assert isinstance(app.screen, AttendanceScreen)
        text = screen_text(app)
        assert "Mark attendance · 2 sessions need attendance" in text
        assert text.index("Chloe Patel") < text.index("Anna Smith")  # oldest first
        await pilot.press("a")  # Chloe, Monday: attended; on to Anna's
        await settle(app, pilot)
        assert cal_practice.get_session(extra.id).status is SessionStatus.ATTENDED
        assert "1 session needs attendance" in screen_text(app)
        table = app.screen.query_one(DataTable)
        assert table.cursor_row == 1
        await pilot.press("x")  # the no-show dialog, as in the calendar: charge or not
        await settle(app, pilot)
        assert isinstance(app.screen, CancelDialog)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AttendanceScreen)
        assert cal_practice.get_session(ids["past"]).status is SessionStatus.NO_SHOW
        assert "every past session is marked" in screen_text(app)
        await pilot.press("a")  # already marked: says so, changes nothing
        await settle(app, pilot)
        assert "Already marked" in notices(app)
        await pilot.press("u")  # undo the last mark: Anna's no-show
        await settle(app, pilot)
        past = cal_practice.get_session(ids["past"])
        assert past.status is SessionStatus.SCHEDULED
        assert all(c.status is ChargeStatus.VOID for c in past.charges)
        assert "1 session needs attendance" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        assert "1 session needs attendance (A)" in screen_text(app)


async def test_with_nothing_to_mark_the_screen_says_so(app, ids, cal_practice) -> None:
    cal_practice.attend(ids["past"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "need attendance" not in screen_text(app)
        await pilot.press("A")
        await settle(app, pilot)
        assert "No past session waits for its attendance" in screen_text(app)
        await pilot.press("u")
        await settle(app, pilot)
        assert "nothing to undo" in notices(app)
